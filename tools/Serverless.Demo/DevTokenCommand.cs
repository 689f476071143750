using System.Text.Json;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;

namespace Serverless.Demo;

/// <summary>
/// Mints development tokens with the local issuer's settings (<c>Auth__SigningKey</c>, <c>Auth__Issuer</c>,
/// <c>Auth__Audience</c> in <c>local.settings.json</c>): one per role and an all-roles <c>admin</c> into a folder, or one
/// token for a given role and subject on standard output.
/// </summary>
public static class DevTokenCommand
{
    /// <summary>How to call it.</summary>
    public const string Usage = "Serverless.Demo tokens [--settings local.settings.json] [--out .tokens] [--days 7] | tokens --role ROLE[,ROLE] [--subject NAME] [--settings FILE] [--days N]";

    /// <summary>The subject of the all-roles development token.</summary>
    public const string AdminSubject = "dev-admin";

    /// <summary>Runs it; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string settings = "local.settings.json";
        string folder = ".tokens";
        string? roles = null;
        string? subject = null;
        int days = 7;
        for (int i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                error.WriteLine($"Option {args[i]} needs a value. Usage: {Usage}");
                return 2;
            }

            switch (args[i])
            {
                case "--settings": settings = args[i + 1]; break;
                case "--out": folder = args[i + 1]; break;
                case "--role": roles = args[i + 1]; break;
                case "--subject": subject = args[i + 1]; break;
                case "--days" when int.TryParse(args[i + 1], out days) && days > 0: break;
                default:
                    error.WriteLine($"Unknown or bad option {args[i]} {args[i + 1]}. Usage: {Usage}");
                    return 2;
            }
        }

        Dictionary<string, string> values;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(settings));
            values = json.RootElement.GetProperty("Values").EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot read the settings '{settings}': {ex.Message}");
            return 1;
        }

        string key = values.GetValueOrDefault("Auth__SigningKey", string.Empty);
        string issuer = values.GetValueOrDefault("Auth__Issuer", string.Empty);
        string audience = values.GetValueOrDefault("Auth__Audience", string.Empty);
        if (DevelopmentTokens.TryDecodeKey(key) is null || issuer.Length == 0 || audience.Length == 0)
        {
            error.WriteLine($"'{settings}' needs Auth__SigningKey (base64, at least {DevelopmentTokens.MinimumKeyBytes} bytes), Auth__Issuer and Auth__Audience; ./tools/run sets them.");
            return 1;
        }

        var lifetime = TimeSpan.FromDays(days);
        if (roles is not null)
        {
            string[] wanted = roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (wanted.FirstOrDefault(r => !PlatformRoles.All.Contains(r)) is { } unknown)
            {
                error.WriteLine($"Unknown role '{unknown}'; the roles are {string.Join(", ", PlatformRoles.All)}.");
                return 2;
            }

            string who = subject ?? "dev-" + string.Join("-", wanted);
            output.WriteLine(DevelopmentTokens.Mint(key, issuer, audience, who, who, wanted, lifetime));
            return 0;
        }

        Directory.CreateDirectory(folder);
        foreach (string role in PlatformRoles.All)
        {
            File.WriteAllText(Path.Combine(folder, role + ".jwt"), DevelopmentTokens.Mint(key, issuer, audience, "dev-" + role, "dev-" + role, [role], lifetime));
        }

        File.WriteAllText(Path.Combine(folder, "admin.jwt"), DevelopmentTokens.Mint(key, issuer, audience, AdminSubject, AdminSubject, PlatformRoles.All, lifetime));
        output.WriteLine($"==> development tokens (valid {days} days) in {folder}/: {string.Join(", ", PlatformRoles.All.Select(r => r + ".jwt"))}, admin.jwt (every role)");
        return 0;
    }
}
