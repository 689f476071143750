using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>
/// Canary and shadow through the local runtime: two versions of the demo model behind <c>production</c>, a canary that
/// splits <c>/predict</c> and <c>/infer</c> and keeps one routing key on one version, its abort and promotion in the alias
/// history, a shadow whose comparisons are counted, and the API's answers to bad input.
/// </summary>
public sealed class CanaryShadowTests(CanaryShadowTests.CanaryFixture fixture) : IClassFixture<CanaryShadowTests.CanaryFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A runtime that re-reads aliases often (so a new canary is served at once) with its own comparison table.</summary>
    public sealed class CanaryFixture : LocalRuntimeFixture
    {
        public DemoModel Demo { get; } = DemoClassifier.Train();

        /// <summary>The model the bad-input cases share (they change nothing).</summary>
        public Task<string>? BadInputModel { get; set; }

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>
        {
            ["Serving__AliasRefreshInterval"] = "00:00:00.200",
            ["Serving__ShadowTable"] = "shadow" + Guid.NewGuid().ToString("N")[..12],
        };
    }

    private HttpClient Client => fixture.Runtime.Client;

    private async Task<string> TwoVersionsAsync()
    {
        string name = await Client.RegisterNewAsync("canary", fixture.Demo.Onnx);
        await Client.RegisterAsync(name, OnnxModelBuilder.Unique(fixture.Demo.Onnx), production: false);
        return name;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>The version that answered a <c>/predict</c> of the demo rows, sent with <paramref name="key"/> as <c>X-Routing-Key</c> when given.</summary>
    private async Task<string> PredictAsync(string model, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{model}/predict", UriKind.Relative))
        {
            Content = new StringContent(DemoSetup.ExamplePredictBody, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("X-Routing-Key", key);
        }

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_version").GetString()!;
    }

    /// <summary>The version that answered an <c>/infer</c> with <paramref name="key"/> in <c>parameters.routing_key</c>.</summary>
    private async Task<string> InferAsync(string model, string key)
    {
        string body = DemoSetup.ExampleInferBody.Replace("{\"id\": \"example-1\",", $"{{\"id\": \"example-1\", \"parameters\": {{\"routing_key\": \"{key}\"}},", StringComparison.Ordinal);
        var (status, answer) = await Client.PostJsonAsync($"/v2/models/{model}/infer", body);
        Assert.Equal(HttpStatusCode.OK, status);
        return answer.GetProperty("model_version").GetString()!;
    }

    /// <summary>Sends batches of keyless predictions until every version in <paramref name="expected"/>, and only those, answered a whole batch.</summary>
    private Task<HashSet<string>> ServedAsync(string model, params string[] expected) =>
        Eventually.GetAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < 40; i++)
            {
                seen.Add(await PredictAsync(model));
            }

            return seen.SetEquals(expected) ? seen : null;
        }, Timeout, $"versions {string.Join(" and ", expected)} to answer");

    [Fact]
    public async Task Canary_HalfTheTraffic_BothVersionsAnswerOneKeyStaysOnOneVersionAbortAndPromoteRecorded()
    {
        string model = await TwoVersionsAsync();

        var (status, started) = await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/canary", new { version = 2, weight = 0.5, reason = "half and half" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("canary-start", started.GetProperty("kind").GetString());
        await ServedAsync(model, "1", "2");

        // One key keeps one version, through the header and through the body's routing_key alike; keys differ among themselves.
        string sticky = await PredictAsync(model, "customer-7");
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(sticky, await PredictAsync(model, "customer-7"));
            Assert.Equal(sticky, await InferAsync(model, "customer-7"));
        }

        var byKey = new HashSet<string>();
        for (int k = 0; k < 20; k++)
        {
            byKey.Add(await PredictAsync(model, "customer-" + k));
        }

        Assert.Equal(["1", "2"], byKey.Order());
        // An explicit version is never split.
        var (_, pinned) = await Client.PostJsonAsync($"/v2/models/{model}/versions/1/infer", DemoSetup.ExampleInferBody);
        Assert.Equal("1", pinned.GetProperty("model_version").GetString());

        (status, _) = await SendAsync(HttpMethod.Delete, $"/models/{model}/aliases/production/canary", new { reason = "abort" });
        Assert.Equal(HttpStatusCode.OK, status);
        await ServedAsync(model, "1");

        await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/canary", new { version = 2, weight = 0.1 });
        (status, var promoted) = await SendAsync(HttpMethod.Post, $"/models/{model}/aliases/production/canary/promote", new { reason = "looks good" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, promoted.GetProperty("version").GetInt32());
        await ServedAsync(model, "2");

        var (_, info) = await SendAsync(HttpMethod.Get, $"/models/{model}");
        Assert.Equal(
            ["manual", "canary-start", "canary-abort", "canary-start", "canary-promotion"],
            info.GetProperty("aliasHistory").EnumerateArray().Select(c => c.GetProperty("kind").GetString()));
        Assert.Equal(2, info.GetProperty("aliases").GetProperty("production").GetInt32());
        var (_, audit) = await SendAsync(HttpMethod.Get, $"/audit?model={model}");
        Assert.Equal(
            [("alias.canary.set", "half and half"), ("alias.canary.abort", "abort"), ("alias.canary.set", ""), ("alias.canary.promote", "looks good")],
            audit.GetProperty("entries").EnumerateArray()
                .Select(e => e.GetProperty("entry"))
                .Where(e => e.GetProperty("action").GetString()!.StartsWith("alias.canary", StringComparison.Ordinal))
                .Select(e => (e.GetProperty("action").GetString(), e.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "")));
    }

    [Fact]
    public async Task Shadow_SetOnProduction_CallerGetsProductionAndComparisonsAreCounted()
    {
        string model = await TwoVersionsAsync();

        var (status, _) = await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 2 });
        Assert.Equal(HttpStatusCode.OK, status);

        var summary = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            Assert.Equal("1", await PredictAsync(model));
            var (_, shadow) = await SendAsync(HttpMethod.Get, $"/models/{model}/shadow");
            return shadow.GetProperty("compared").GetInt64() >= 4 ? shadow : null;
        }, Timeout, "shadow comparisons");

        var pair = summary!.Value.GetProperty("pairs")[0];
        Assert.Equal((1, 2), (pair.GetProperty("version").GetInt32(), pair.GetProperty("shadowVersion").GetInt32()));
        // The shadow is a copy of the same model: it agrees on every label and scores the same.
        Assert.Equal(1.0, summary.Value.GetProperty("agreementRate").GetDouble());
        Assert.Equal(0.0, summary.Value.GetProperty("meanScoreDifference").GetDouble(), 6);

        (status, var stopped) = await SendAsync(HttpMethod.Delete, $"/models/{model}/aliases/production/shadow");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("shadow-stop", stopped.GetProperty("kind").GetString());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "canary", """{"version": 2, "weight": 1.5}""", HttpStatusCode.BadRequest, "above 0 and below 1" },
        { "canary", """{"version": 2, "weight": 0}""", HttpStatusCode.BadRequest, "above 0 and below 1" },
        { "canary", """{"version": 2}""", HttpStatusCode.BadRequest, "weight" },
        { "canary", """{"version": 1, "weight": 0.5}""", HttpStatusCode.BadRequest, "another version" },
        { "canary", """{"version": 99, "weight": 0.5}""", HttpStatusCode.NotFound, "no version 99" },
        { "canary", """{"version": 2, "weight": 0.5, "wieght": 1}""", HttpStatusCode.BadRequest, "wieght" },
        { "canary", "not json", HttpStatusCode.BadRequest, "version" },
        { "shadow", """{"version": 1}""", HttpStatusCode.BadRequest, "another version" },
        { "shadow", """{"version": 99}""", HttpStatusCode.NotFound, "no version 99" },
        { "shadow", "{}", HttpStatusCode.BadRequest, "version" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Put_BadCanaryOrShadow_ClientErrorWithJsonSayingWhatToChange(string what, string body, HttpStatusCode expected, string message)
    {
        string model = await (fixture.BadInputModel ??= TwoVersionsAsync());

        using var response = await Client.PutAsync(new Uri($"/models/{model}/aliases/production/{what}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_CanaryWhoseInputsDiffer_400NamingTheInput()
    {
        string model = await Client.RegisterNewAsync("canary-sig", OnnxModelBuilder.Add(-1, 2));
        await Client.RegisterAsync(model, OnnxModelBuilder.Add(-1, 3), production: false);

        var (status, body) = await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/canary", new { version = 2, weight = 0.5 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("input 'a'", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
