using Xunit;

namespace Serverless.Testing;

/// <summary>A fact over the project's shared data folder (<c>../shared</c>), skipped with the reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Skips unless <c>../shared/<paramref name="folder"/></c> exists.</summary>
    public SharedDataFactAttribute(string folder)
    {
        Folder = folder;
        if (RepositoryPaths.Shared is not { } shared || !Directory.Exists(Path.Combine(shared, folder)))
        {
            Skip = $"../shared/{folder} is not present next to the repository; this test reads the project's shared reference data.";
        }
    }

    /// <summary>The folder under <c>../shared</c> the fact reads.</summary>
    public string Folder { get; }
}
