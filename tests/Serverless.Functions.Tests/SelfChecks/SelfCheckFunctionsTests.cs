using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Serverless.Core.SelfChecks;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.Functions.Tests.SelfChecks;

public sealed class SelfCheckFunctionsTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task StartSelfCheck_NoBody_OrchestrationCompletesWithHealthyReport()
    {
        using var response = await Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var status = await WaitForCompletedAsync(response.Headers.Location!.OriginalString);
        var report = status.GetProperty("report");
        Assert.True(report.GetProperty("healthy").GetBoolean());
        Assert.Equal("http", report.GetProperty("source").GetString());
        Assert.Equal(["blob", "table"], report.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("service").GetString()));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1]", "JSON object")]
    [InlineData("{\"pauseSeconds\": -1}", "'pauseSeconds' must be")]
    [InlineData("{\"pauseSeconds\": 301}", "'pauseSeconds' must be")]
    [InlineData("{\"pauseSeconds\": 1.5}", "'pauseSeconds' must be")]
    [InlineData("{\"pauseSeconds\": \"5\"}", "'pauseSeconds' must be")]
    public async Task StartSelfCheck_BadBody_Returns400WithError(string body, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSelfCheck_UnknownId_Returns404WithError()
    {
        using var response = await Client.GetAsync(new Uri("/selfchecks/" + Guid.NewGuid().ToString("N"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No self-check", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSelfCheck_IdWithReservedCharacter_Returns400()
    {
        using var response = await Client.GetAsync(new Uri("/selfchecks/a%23b", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RunQueuedSelfCheck_RequestOnQueue_RecordsReportUnderItsId()
    {
        var request = SelfCheckRequest.Create("queue-test");
        var queue = new QueueClient(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(request.ToJson());

        var status = await WaitForCompletedAsync("/selfchecks/" + request.CheckId);
        Assert.Equal("queue-test", status.GetProperty("report").GetProperty("source").GetString());
        Assert.True(status.GetProperty("report").GetProperty("healthy").GetBoolean());
    }

    private async Task<JsonElement> WaitForCompletedAsync(string path) =>
        await Eventually.GetAsync<JsonElement?>(async () =>
        {
            using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            string? state = body.GetProperty("status").GetString();
            Assert.NotEqual("Failed", state);
            return state == "Completed" ? body : null;
        }, TimeSpan.FromSeconds(60), "self-check " + path + " to complete") ?? default;
}
