namespace Serverless.Cli;

/// <summary>The all-roles development token that <c>./tools/run</c> writes into the repository's git-ignored <c>.tokens</c> folder.</summary>
internal static class DevelopmentTokenFile
{
    /// <summary>Where it lies, relative to the repository root.</summary>
    public const string RelativePath = ".tokens/admin.jwt";

    /// <summary>The token in <see cref="RelativePath"/> under <paramref name="directory"/> or the nearest folder above it, or null.</summary>
    public static string? Find(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
            }
        }

        return null;
    }
}
