using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>A buffer far smaller than the traffic: samples are dropped and counted, never lost silently.</summary>
public sealed class SamplingOverflowTests(SamplingOverflowTests.TinyBufferFixture fixture) : IClassFixture<SamplingOverflowTests.TinyBufferFixture>
{
    public sealed class TinyBufferFixture : SamplingTests.SamplingFixture
    {
        protected override IReadOnlyDictionary<string, string> Monitoring => new Dictionary<string, string>
        {
            ["Monitoring__BufferCapacity"] = "5",
            ["Monitoring__BatchSize"] = "5",
            ["Monitoring__FlushInterval"] = "00:00:10",
        };
    }

    [Fact]
    public async Task Predict_MoreRowsThanTheBufferHolds_DroppedCountedAndStoredPlusDroppedIsSampled()
    {
        string model = await fixture.Runtime.Client.RegisterNewAsync("overflow", fixture.Demo.Onnx);

        var ids = await SamplingTests.PredictAsync(fixture.Runtime.Client, model, requests: 4, rows: 100);

        var statistics = await SamplingTests.SettledStatisticsAsync(fixture.Runtime.Client);
        long sampled = statistics.GetProperty("sampled").GetInt64();
        long sent = statistics.GetProperty("sent").GetInt64();
        long dropped = statistics.GetProperty("dropped").GetInt64();
        Assert.Equal(ids.Count, sampled);
        Assert.True(dropped > 0, $"nothing dropped: {statistics}");
        Assert.Equal(sampled, sent + dropped);
        var stored = await Eventually.GetAsync(
            async () => await SamplingTests.StoredAsync(fixture, model) is { } rows && rows.Count >= sent ? rows : null, TimeSpan.FromSeconds(90), $"{sent} stored samples");
        Assert.Equal(sampled, stored.Count + dropped);
        Assert.Subset(ids.ToHashSet(), stored.Select(e => e.RowKey).ToHashSet());
    }
}
