using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary><c>GET /monitoring/metrics</c> through the local runtime: the platform's instruments as OpenTelemetry reads them.</summary>
public sealed class MetricsTests(MetricsTests.DemoModelFixture fixture) : IClassFixture<MetricsTests.DemoModelFixture>
{
    public sealed class DemoModelFixture : LocalRuntimeFixture
    {
        public DemoModel Demo { get; } = DemoClassifier.Train();
    }

    private static async Task<JsonElement> InstrumentAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync(new Uri("/monitoring/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        return report.GetProperty("instruments").EnumerateArray().Single(i => i.GetProperty("name").GetString() == name);
    }

    private static JsonElement? Point(JsonElement instrument, string model, string protocol, string outcome) =>
        instrument.GetProperty("points").EnumerateArray()
            .Where(p => p.GetProperty("tags") is var tags
                && tags.GetProperty("model").GetString() == model
                && tags.GetProperty("protocol").GetString() == protocol
                && tags.GetProperty("outcome").GetString() == outcome)
            .Select(p => (JsonElement?)p)
            .SingleOrDefault();

    [Fact]
    public async Task GetMetrics_AfterPredictions_CountsAndTimesThemForTheirModel()
    {
        var client = fixture.Runtime.Client;
        string model = await client.RegisterNewAsync("metrics", fixture.Demo.Onnx);

        for (int i = 0; i < 3; i++)
        {
            var (ok, _) = await client.PostJsonAsync($"/models/{model}/predict", DemoSetup.ExamplePredictBody);
            Assert.Equal(HttpStatusCode.OK, ok);
        }

        var (refused, _) = await client.PostJsonAsync($"/models/{model}/predict", """{"rows": []}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);

        var requests = await InstrumentAsync(client, "serverless.serving.requests");
        Assert.Equal("Serverless.Serving", requests.GetProperty("meter").GetString());
        Assert.Equal("{request}", requests.GetProperty("unit").GetString());
        Assert.Equal("counter", requests.GetProperty("kind").GetString());
        var answered = Point(requests, model, "records", "ok") ?? throw new Xunit.Sdk.XunitException($"no ok point for {model}");
        Assert.Equal(3, answered.GetProperty("value").GetDouble());
        Assert.Equal("1", answered.GetProperty("tags").GetProperty("version").GetString());
        var refusedPoint = Point(requests, model, "records", "client_error") ?? throw new Xunit.Sdk.XunitException($"no client_error point for {model}");
        Assert.Equal(1, refusedPoint.GetProperty("value").GetDouble());

        var durations = await InstrumentAsync(client, "serverless.serving.duration");
        Assert.Equal("s", durations.GetProperty("unit").GetString());
        Assert.Equal("histogram", durations.GetProperty("kind").GetString());
        var timed = Point(durations, model, "records", "ok") ?? throw new Xunit.Sdk.XunitException($"no duration for {model}");
        Assert.Equal(3, timed.GetProperty("count").GetInt64());
        double min = timed.GetProperty("min").GetDouble();
        double max = timed.GetProperty("max").GetDouble();
        Assert.True(min > 0);
        Assert.InRange(timed.GetProperty("p50").GetDouble(), min, max);
        Assert.InRange(timed.GetProperty("p99").GetDouble(), min, max);
        Assert.InRange(timed.GetProperty("sum").GetDouble(), 3 * min, 3 * max);

        // The model cache's meter (an observable instrument) is collected too.
        var loaded = await InstrumentAsync(client, "serverless.serving.cache.models");
        Assert.True(Assert.Single(loaded.GetProperty("points").EnumerateArray()).GetProperty("value").GetDouble() >= 1);
    }
}
