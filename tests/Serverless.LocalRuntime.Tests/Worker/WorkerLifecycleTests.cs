using System.Diagnostics;
using System.Net;
using Serverless.LocalRuntime.Launching;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Worker;

/// <summary>The worker process's life under the host: restarted after a crash, never left behind by the host.</summary>
public sealed class WorkerLifecycleTests
{
    [Fact]
    public async Task WorkerCrash_WorkerKilled_HostStartsANewOneAndServesAgain()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        await using var host = await RuntimeProcess.StartAsync(RuntimeSettings.Create(connection));
        int first = await WorkerProcessIdAsync(host);

        Process.GetProcessById(first).Kill();

        int second = await Eventually.GetAsync<int?>(async () =>
        {
            int? current = await host.WorkerProcessIdAsync();
            return current is { } id && id != first ? id : null;
        }, TimeSpan.FromSeconds(60), "a new worker process") ?? 0;
        Assert.NotEqual(first, second);
        await Eventually.GetAsync<object>(async () =>
        {
            using var response = await host.Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? true : null;
        }, TimeSpan.FromSeconds(30), "the new worker to serve");
    }

    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGINT")]
    [InlineData("SIGKILL")]
    public async Task HostStopped_AnyWay_LeavesNoWorkerProcess(string signal)
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        await using var host = await RuntimeProcess.StartAsync(RuntimeSettings.Create(connection));
        int worker = await WorkerProcessIdAsync(host);

        host.Signal(signal);

        // The host's own shutdown may take its 15 s, then the worker's grace; on a loaded machine a signal that lands while
        // the host is still starting waits for that too. What is asserted is that no worker is left, not how fast.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (IsRunning(worker) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        string output = host.Output;
        Assert.False(
            IsRunning(worker),
            $"Worker {worker} still runs 90 s after {signal} to the host; the host {(host.ProcessId is null ? "has exited" : "still runs")}. The host's last output:\n{output[Math.Max(0, output.Length - 6000)..]}");
    }

    [Fact]
    public async Task HostStart_NoFunctionsAppThere_ExitsSayingWhatToBuildWithoutAStackTrace()
    {
        string empty = Directory.CreateTempSubdirectory("no-app-").FullName;
        try
        {
            var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => HostProcess.StartAsync(new HostProcessOptions { HostAssembly = RuntimeProcess.HostAssembly, ScriptRoot = empty }));

            Assert.Contains("could not start: host.json not found", failed.Message, StringComparison.Ordinal);
            Assert.Contains("Build the Functions app first", failed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<int> WorkerProcessIdAsync(HostProcess host) =>
        await Eventually.GetAsync(() => host.WorkerProcessIdAsync(), TimeSpan.FromSeconds(30), "the worker's process id") ?? 0;
}
