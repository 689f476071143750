using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Core.SelfChecks;
using Serverless.LocalRuntime.Launching;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.LocalRuntime.Tests.Durable;

public sealed class DurableRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Orchestration_RuntimeKilledBetweenActivities_CompletesExactlyOnceAfterRestart()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var settings = RuntimeSettings.Create(connection, new Dictionary<string, string> { ["LocalRuntime__DurableLeaseInterval"] = "00:00:06" });
        await using var runtime = await RuntimeProcess.StartAsync(settings);
        string id;
        using (var content = JsonContent.Create(new { pauseSeconds = 4 }))
        using (var started = await runtime.Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        // The first activity has run and the orchestration waits on its durable timer: kill the process now.
        await Eventually.GetAsync<object>(async () =>
            (await GetStatusAsync(runtime, id)).TryGetProperty("customStatus", out var s) && s.GetString() == SelfCheckWorkflow.PausedStatus ? true : null,
            TimeSpan.FromSeconds(60), "the orchestration to pause between its activities");
        runtime.Kill();
        var killedAt = DateTime.UtcNow;

        await runtime.RestartAsync();
        var final = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var status = await GetStatusAsync(runtime, id);
            return status.GetProperty("status").GetString() is "Completed" or "Failed" ? status : null;
        }, TimeSpan.FromSeconds(120), "the orchestration to complete after the restart");
        output.WriteLine($"completed {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");

        Assert.Equal("Completed", final!.Value.GetProperty("status").GetString());
        Assert.True(final.Value.GetProperty("report").GetProperty("healthy").GetBoolean());

        // The task hub's history says each activity was scheduled once and the orchestration completed once. The
        // report is recorded by the last activity, a moment before the orchestration records its own completion.
        var history = new TableClient(connection, settings.HubName + "History");
        var events = await Eventually.GetAsync(async () =>
        {
            var found = new List<(string Type, string? Name)>();
            await foreach (var row in history.QueryAsync<TableEntity>(e => e.PartitionKey == id))
            {
                found.Add((row.GetString("EventType"), row.GetString("Name")));
            }

            return found.Any(e => e.Type == "ExecutionCompleted") ? found : null;
        }, TimeSpan.FromSeconds(30), "the orchestration's completion in its history");

        Assert.Equal(1, events.Count(e => e.Type == "ExecutionCompleted"));
        Assert.Equal(1, events.Count(e => e.Type == "TimerFired"));
        foreach (string activity in new[] { SelfCheckWorkflow.ProbeBlobActivity, SelfCheckWorkflow.ProbeTableActivity, SelfCheckWorkflow.RecordActivity })
        {
            Assert.Equal(1, events.Count(e => e.Type == "TaskScheduled" && e.Name == activity));
        }

        Assert.Equal(3, events.Count(e => e.Type == "TaskCompleted"));
    }

    private static async Task<JsonElement> GetStatusAsync(HostProcess runtime, string id)
    {
        using var response = await runtime.Client.GetAsync(new Uri("/selfchecks/" + id, UriKind.Relative));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
