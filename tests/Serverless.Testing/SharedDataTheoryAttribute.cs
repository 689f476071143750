using Xunit;

namespace Serverless.Testing;

/// <summary>A theory over the project's shared data folder (<c>../shared</c>), skipped with the reason when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless <c>../shared/<paramref name="folder"/></c> exists.</summary>
    public SharedDataTheoryAttribute(string folder)
    {
        Folder = folder;
        if (RepositoryPaths.Shared is not { } shared || !Directory.Exists(Path.Combine(shared, folder)))
        {
            Skip = $"../shared/{folder} is not present next to the repository; these tests read the project's shared reference data.";
        }
    }

    /// <summary>The folder under <c>../shared</c> the theory reads.</summary>
    public string Folder { get; }
}
