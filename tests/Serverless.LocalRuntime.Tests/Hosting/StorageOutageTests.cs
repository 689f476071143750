using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Serverless.Core.SelfChecks;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Hosting;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task Ready_StorageStopsThenReturns_503WithReasonThenRecoversAndQueueWorkResumes()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        await using var runtime = await InProcessRuntime.StartAsync(azurite.ConnectionString);
        using (var ready = await runtime.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await azurite.StopAsync();

        using (var notReady = await runtime.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            var body = await notReady.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.GetProperty("ready").GetBoolean());
            Assert.Contains("storage unreachable", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var live = await runtime.Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await azurite.StartAgainAsync();

        await Eventually.GetAsync<object>(async () =>
        {
            using var response = await runtime.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? true : null;
        }, TimeSpan.FromSeconds(30), "readiness to return after storage came back");

        // The queue listener survived the outage: work sent now is still done.
        var request = SelfCheckRequest.Create("after-outage");
        var queue = new QueueClient(azurite.ConnectionString, runtime.Settings.SelfCheckQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(request.ToJson());
        await Eventually.GetAsync<object>(async () =>
        {
            using var response = await runtime.Client.GetAsync(new Uri("/selfchecks/" + request.CheckId, UriKind.Relative));
            return response.IsSuccessStatusCode ? true : null;
        }, TimeSpan.FromSeconds(45), "a queued check to run after the outage");
    }
}
