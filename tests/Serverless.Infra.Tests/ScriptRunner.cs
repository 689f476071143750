using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>Runs a script of the repository with the shell its caller uses (bash for the workflow, sh for azd hooks).</summary>
public static class ScriptRunner
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string shell, string script, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, script));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(shell + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Runs a script of the deploy workflow (.github/scripts) with bash, as the workflow does.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunWorkflowScriptAsync(string name, string workingDirectory, params string[] arguments) =>
        RunAsync("bash", Path.Combine(".github", "scripts", name), workingDirectory, null, arguments);
}
