namespace Serverless.Cli.Tests;

/// <summary>Runs the CLI's entry point in-process, over real HTTP, with its output captured.</summary>
internal static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = await CliApp.RunAsync(args, handler: null, stdout, stderr, pollInterval: TimeSpan.FromMilliseconds(20));
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs against the platform at <paramref name="url"/>, polling a followed retraining at a pace a real platform is fine with.</summary>
    public static async Task<CliResult> RunAsync(Uri url, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = await CliApp.RunAsync([.. args, "--url", url.ToString()], handler: null, stdout, stderr, pollInterval: TimeSpan.FromMilliseconds(250));
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs against <paramref name="platform"/> (its URL as <c>--url</c>).</summary>
    public static Task<CliResult> RunAsync(FakePlatform platform, params string[] args) =>
        RunAsync([.. args, "--url", platform.Url.ToString()]);
}
