using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Core.SelfChecks;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Http;

public sealed class AdminEndpointTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task InvokeQueueFunction_WithInput_RunsItWithoutTheQueue()
    {
        var request = SelfCheckRequest.Create("admin-test");
        using var content = JsonContent.Create(new { input = request.ToJson() });

        using var response = await Client.PostAsync(new Uri("/admin/functions/RunQueuedSelfCheck", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            using var get = await Client.GetAsync(new Uri("/selfchecks/" + request.CheckId, UriKind.Relative));
            return get.IsSuccessStatusCode ? await get.Content.ReadFromJsonAsync<JsonElement>() : null;
        }, TimeSpan.FromSeconds(30), "the admin-invoked check's report");
        Assert.Equal("admin-test", status!.Value.GetProperty("report").GetProperty("source").GetString());
    }

    [Fact]
    public async Task InvokeTimerFunction_NoBody_RunsTheTimerWhoseQueueOutputRunsACheck()
    {
        // The fixture's schedule never fires on its own: a report archived under this runtime's queue comes from this call.
        using var response = await Client.PostAsync(new Uri("/admin/functions/ScheduleSelfCheck", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string? source = await Eventually.GetAsync(async () =>
            (await SelfCheckReports.ReadAsync(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue)) is [var report, ..]
                ? report.GetProperty("source").GetString()
                : null,
            TimeSpan.FromSeconds(30), "the timer's check to be archived");
        Assert.Equal("timer", source);
    }

    [Fact]
    public async Task InvokeUnknownFunction_Returns404WithError()
    {
        using var response = await Client.PostAsync(new Uri("/admin/functions/NoSuchFunction", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("NoSuchFunction", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeHttpFunction_Returns400SayingToUseItsRoute()
    {
        using var response = await Client.PostAsync(new Uri("/admin/functions/ServerMetadata", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task InvokeWithMalformedBody_Returns400()
    {
        using var content = new StringContent("{oops", Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync(new Uri("/admin/functions/RunQueuedSelfCheck", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
