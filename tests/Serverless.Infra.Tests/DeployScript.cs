using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>Runs a script of the deploy workflow (.github/scripts) with bash, as the workflow does.</summary>
public static class DeployScript
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, ".github", "scripts");

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(Folder, script));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
