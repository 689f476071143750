using System.Reflection;

namespace Serverless.Testing;

/// <summary>Locations in the repository the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the folder that holds <c>Serverless.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary><c>../shared</c> beside the repository, or null when it is absent.</summary>
    public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

    /// <summary>The output folder of a project under the repository, for this build configuration.</summary>
    public static string OutputOf(string projectFolder) => Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
