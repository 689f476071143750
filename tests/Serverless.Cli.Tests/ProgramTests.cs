using System.Diagnostics;

namespace Serverless.Cli.Tests;

/// <summary>The built tool as a process: its entry point, its environment defaults and its exit code.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task Main_EnvironmentVariables_GiveUrlKeyAndToken()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "mlops.dll"), "models", "list"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["MLOPS_URL"] = platform.Url.ToString(),
                ["MLOPS_KEY"] = "env-key",
                ["MLOPS_TOKEN"] = "env-token",
            },
        };

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("env-key", request.Header("x-functions-key"));
        Assert.Equal("Bearer env-token", request.Header("Authorization"));
        Assert.Contains("production=2", await stdout, StringComparison.Ordinal);
    }
}
