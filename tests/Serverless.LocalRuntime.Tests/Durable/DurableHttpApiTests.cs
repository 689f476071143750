using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Durable;

/// <summary>
/// The Durable HTTP management API at the URLs the worker's Durable client builds (CreateHttpManagementPayload), with
/// the app's JSON 404 catch-all present: the host's webhook paths are never hidden by it.
/// </summary>
public sealed class DurableHttpApiTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task StatusQueryGetUri_CompletedOrchestration_Returns200WithOutputThenPurgeRemovesIt()
    {
        var management = await StartAsync(pauseSeconds: 0);
        var statusUri = new Uri(management.GetProperty("statusQueryGetUri").GetString()!);
        Assert.StartsWith("/runtime/webhooks/durabletask/instances/", statusUri.AbsolutePath, StringComparison.Ordinal);

        var status = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            using var response = await Client.GetAsync(statusUri);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK ? body : null;
        }, TimeSpan.FromSeconds(60), "the orchestration to complete");

        Assert.Equal("Completed", status!.Value.GetProperty("runtimeStatus").GetString());
        Assert.Equal("SelfCheckOrchestrator", status.Value.GetProperty("name").GetString());
        Assert.True(status.Value.GetProperty("output").GetProperty("healthy").GetBoolean());

        using var raised = await Client.PostAsync(new Uri(management.GetProperty("sendEventPostUri").GetString()!.Replace("{eventName}", "late", StringComparison.Ordinal)), JsonContent.Create(1));
        Assert.Equal(HttpStatusCode.Gone, raised.StatusCode);

        using var purged = await Client.DeleteAsync(new Uri(management.GetProperty("purgeHistoryDeleteUri").GetString()!));
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        using var gone = await Client.GetAsync(statusUri);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task TerminatePostUri_RunningOrchestration_EndsItTerminated()
    {
        // A long durable pause keeps the orchestration running until it is terminated.
        var management = await StartAsync(pauseSeconds: 120);
        var statusUri = new Uri(management.GetProperty("statusQueryGetUri").GetString()!);
        await Eventually.GetAsync<object>(async () =>
        {
            using var response = await Client.GetAsync(statusUri);
            return response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is not null ? true : null;
        }, TimeSpan.FromSeconds(30), "the orchestration to be running");

        using var terminated = await Client.PostAsync(new Uri(management.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "test", StringComparison.Ordinal)), null);

        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        string? state = await Eventually.GetAsync(async () =>
        {
            using var response = await Client.GetAsync(statusUri);
            string? runtimeStatus = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString();
            return runtimeStatus == "Terminated" ? runtimeStatus : null;
        }, TimeSpan.FromSeconds(30), "the orchestration to be terminated");
        Assert.Equal("Terminated", state);
    }

    [Fact]
    public async Task Status_UnknownInstance_Returns404Json()
    {
        using var response = await Client.GetAsync(new Uri("/runtime/webhooks/durabletask/instances/" + Guid.NewGuid().ToString("N"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No orchestration instance", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> StartAsync(int pauseSeconds)
    {
        using var response = await Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), JsonContent.Create(new { pauseSeconds }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("management");
    }
}
