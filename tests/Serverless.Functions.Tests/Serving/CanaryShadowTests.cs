using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Training.Datasets;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>
/// Canary and shadow through the local runtime: two versions of the demo model behind <c>production</c>, a canary that
/// splits <c>/predict</c> and <c>/infer</c> and keeps one routing key on one version, its abort and promotion in the alias
/// history, a shadow whose comparisons are counted and whose answers reach monitoring, explanations routed like
/// predictions, and the API's answers to bad input.
/// </summary>
public sealed class CanaryShadowTests(CanaryShadowTests.CanaryFixture fixture) : IClassFixture<CanaryShadowTests.CanaryFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A runtime that re-reads aliases often (so a new canary is served at once) with its own comparison table, sampling every prediction into its own table.</summary>
    public sealed class CanaryFixture : LocalRuntimeFixture
    {
        private readonly string _id = Guid.NewGuid().ToString("N")[..10];

        public DemoModel Demo { get; } = DemoClassifier.Train();

        public MonitoringOptions Monitoring => new() { SampleTable = "samples" + _id, SampleContainer = "samples-" + _id };

        /// <summary>The model the bad-input cases share (they change nothing).</summary>
        public Task<string>? BadInputModel { get; set; }

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>
        {
            ["Serving__AliasRefreshInterval"] = "00:00:00.200",
            ["Serving__ShadowTable"] = "shadow" + Guid.NewGuid().ToString("N")[..12],
            ["Monitoring__SampleRate"] = "1",
            ["Monitoring__FlushInterval"] = "00:00:00.200",
            ["Monitoring__SampleQueue"] = "samples-q-" + _id,
            ["Monitoring__SampleTable"] = Monitoring.SampleTable,
            ["Monitoring__SampleContainer"] = Monitoring.SampleContainer,
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

    [Fact]
    public async Task Shadow_PredictionsSampled_ShadowAnswersStoredBesideThemAsShadowAndJudgedByTheSameFeedback()
    {
        string model = await TwoVersionsAsync();
        await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 2 });

        var (status, answer) = await Client.PostJsonAsync($"/models/{model}/predict", DemoSetup.ExamplePredictBody);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", answer.GetProperty("model_version").GetString());
        var ids = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetString()!).ToList();
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(fixture.Monitoring.SampleTable);
        var rows = await Eventually.GetAsync(async () =>
        {
            var found = new List<TableEntity>();
            try
            {
                await foreach (var row in table.QueryAsync<TableEntity>(e => e.GetString("Model") == model))
                {
                    found.Add(row);
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                return null; // No sample stored yet.
            }

            return found.Count == 2 * ids.Count ? found : null;
        }, Timeout, "the served and shadow samples");

        // The caller's answer is version 1's; the shadow's answers to the same predictions are version 2's, marked shadow.
        Assert.Equal(ids.Order(), rows.Where(r => r.GetBoolean("Shadow") is not true).Select(r => r.RowKey).Order());
        Assert.All(rows.Where(r => r.GetBoolean("Shadow") is not true), r => Assert.Equal(1, r.GetInt32("Version")));
        Assert.Equal(ids.Select(id => id + SampleStore.ShadowSuffix).Order(), rows.Where(r => r.GetBoolean("Shadow") is true).Select(r => r.RowKey).Order());
        Assert.All(rows.Where(r => r.GetBoolean("Shadow") is true), r => Assert.Equal(2, r.GetInt32("Version")));

        (status, _) = await Client.PostJsonAsync($"/models/{model}/feedback", JsonSerializer.Serialize(new { feedback = new[] { new { predictionId = ids[0], label = "true" } } }));
        Assert.Equal(HttpStatusCode.OK, status);
        var samples = new SampleStore(new TableServiceClient(fixture.ConnectionString), new BlobServiceClient(fixture.ConnectionString), Options.Create(fixture.Monitoring));
        var window = await samples.ReadWindowAsync(model, rows.Single(r => r.RowKey == ids[0]).GetDateTimeOffset("Time")!.Value);
        Assert.All(window.Where(s => s.PredictionId == ids[0]), s => Assert.Equal("true", s.Actual!.Value.GetString()));
        Assert.Equal([(1, false), (2, true)], window.Where(s => s.PredictionId == ids[0]).Select(s => (s.Version, s.Shadow)).Order());
    }

    [Fact]
    public async Task Explain_AliasWithCanary_ExplainsTheVersionThatAnswersTheCallersPredictions()
    {
        string model = await TwoVersionsAsync();
        await new MonitoringBaselineStore(new BlobServiceClient(fixture.ConnectionString), Options.Create(new MonitoringOptions())).PutAsync(Baseline(model), CancellationToken.None);
        await SendAsync(HttpMethod.Put, $"/models/{model}/aliases/production/canary", new { version = 2, weight = 0.5 });
        await ServedAsync(model, "1", "2");

        var explained = new HashSet<string>();
        for (int k = 0; k < 12; k++)
        {
            string key = "customer-" + k;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/models/{model}/explain", UriKind.Relative))
            {
                Content = new StringContent(DemoSetup.ExamplePredictBody, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Routing-Key", key);
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_version").GetString()!;
            Assert.Equal(await PredictAsync(model, key), version);

            // The body's routing_key routes it the same way.
            string withField = DemoSetup.ExamplePredictBody.Replace("{\"rows\":", $"{{\"routing_key\": \"{key}\", \"rows\":", StringComparison.Ordinal);
            Assert.NotEqual(DemoSetup.ExamplePredictBody, withField);
            var (_, byField) = await Client.PostJsonAsync($"/models/{model}/explain", withField);
            Assert.Equal(version, byField.GetProperty("model_version").GetString());
            explained.Add(version);
        }

        Assert.Equal(["1", "2"], explained.Order());
    }

    /// <summary>Version 1's training baseline as the retraining line would record it: what explanations draw their background from.</summary>
    private static MonitoringBaseline Baseline(string model)
    {
        var rows = DemoData.Generate(2000);
        var numeric = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal)
        {
            ["income"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.Income)),
            ["debt_ratio"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.DebtRatio)),
            ["years_employed"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.YearsEmployed)),
            ["late_payments"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.LatePayments)),
        };
        var features = numeric.Select(kv => new FeatureBaseline(kv.Key, "numeric", 0, kv.Value.Average())).ToList();
        features.Add(new FeatureBaseline("employment", "categorical", 0, Frequencies: rows.GroupBy(r => r.Employment).ToDictionary(g => g.Key, g => (double)g.Count() / rows.Count)));
        return new MonitoringBaseline(model, 1, "binary", "test: generated demo applications", features, null, DateTimeOffset.UtcNow, numeric);
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
