using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>Per-model sample rates through the local runtime: a spec's <c>monitoring.sampleRate</c> over <c>Monitoring__SampleRate</c>.</summary>
public sealed class SampleRateTests(SampleRateTests.SampleNothingByDefaultFixture fixture) : IClassFixture<SampleRateTests.SampleNothingByDefaultFixture>
{
    /// <summary>A runtime whose setting samples nothing, with its own sample queue, table and container.</summary>
    public sealed class SampleNothingByDefaultFixture : SamplingTests.SamplingFixture
    {
        /// <summary>A schedule that does not fire while a test runs (the evaluation timer's setting must be set for the host to start).</summary>
        public const string NoTimer = "0 0 0 1 1 *";

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>(base.SettingOverrides!)
        {
            ["Monitoring__SampleRate"] = "0",
            ["Monitoring__FlushInterval"] = "00:00:00.200",
            ["Monitoring__EvaluationSchedule"] = NoTimer,
        };
    }

    [Fact]
    public async Task Predict_SpecRateOneAndModelWithoutSpecUnderSettingZero_OnlyTheFirstSampled()
    {
        var client = fixture.Runtime.Client;
        string sampled = await client.RegisterNewAsync("rate-spec", fixture.Demo.Onnx);
        string unsampled = await client.RegisterNewAsync("rate-none", fixture.Demo.Onnx);
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["monitoring"] = new JsonObject { ["sampleRate"] = 1 };
        await client.PutSpecAsync(sampled, spec.ToJsonString());

        // The spec was stored through this instance, so its rate counts from the next prediction on.
        var ids = await SamplingTests.PredictAsync(client, sampled, requests: 3, rows: 4);
        await SamplingTests.PredictAsync(client, unsampled, requests: 3, rows: 4);

        var stored = await Eventually.GetAsync(async () => await SamplingTests.StoredAsync(fixture, sampled) is { Count: >= 12 } rows ? rows : null, TimeSpan.FromSeconds(90), "12 stored samples");
        Assert.Equal(ids.Order(), stored.Select(e => e.RowKey).Order());
        var statistics = await SamplingTests.SettledStatisticsAsync(client);
        Assert.Equal(12, statistics.GetProperty("sampled").GetInt64());
        Assert.Empty(await SamplingTests.StoredAsync(fixture, unsampled));
        Assert.Equal(0, statistics.GetProperty("sampleRate").GetDouble());
        var rates = statistics.GetProperty("modelRates");
        Assert.Equal(1, rates.GetProperty(sampled).GetDouble());
        Assert.Equal(0, rates.GetProperty(unsampled).GetDouble());
    }
}
