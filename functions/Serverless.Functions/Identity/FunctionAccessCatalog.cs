using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Identity;

/// <summary>Every HTTP function of the app with the access its attributes declare, read once by reflection.</summary>
public static class FunctionAccessCatalog
{
    private static readonly Lazy<FrozenDictionary<string, FunctionAccess>> ByName = new(() =>
        Read(typeof(FunctionAccessCatalog).Assembly).ToFrozenDictionary(a => a.Name, StringComparer.Ordinal));

    /// <summary>The app's HTTP functions, by name.</summary>
    public static IReadOnlyCollection<FunctionAccess> All => ByName.Value.Values;

    /// <summary>The access of the HTTP function <paramref name="name"/>, or null when there is none of that name.</summary>
    public static FunctionAccess? Find(string name) => ByName.Value.GetValueOrDefault(name);

    /// <summary>The HTTP functions in <paramref name="assembly"/>, with what their attributes declare.</summary>
    public static IEnumerable<FunctionAccess> Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function ||
                method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null) is not { } trigger)
            {
                continue;
            }

            var require = method.GetCustomAttribute<RequireRoleAttribute>();
            bool isPublic = method.IsDefined(typeof(PublicAttribute));
            yield return new FunctionAccess(
                function.Name,
                trigger.Route ?? function.Name,
                (trigger.Methods ?? []).Select(m => m.ToUpperInvariant()).ToList(),
                require?.Roles ?? [],
                isPublic,
                require?.AllowFunctionKey ?? false,
                Declared: isPublic != (require is { Roles.Count: > 0 }));
        }
    }
}
