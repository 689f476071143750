using System.Text;
using System.Text.Json;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class SampleMessagesTests
{
    private static PredictionSample Sample(int i, int padding = 0)
    {
        using var inputs = JsonDocument.Parse($"{{\"x\": {i}, \"pad\": \"{new string('a', padding)}\"}}");
        using var outputs = JsonDocument.Parse("{\"value\": 1.5}");
        return new PredictionSample("m", 1, $"id-{i}", DateTimeOffset.UnixEpoch, inputs.RootElement.Clone(), outputs.RootElement.Clone());
    }

    [Fact]
    public void Pack_MoreThanABatch_SplitsByBatchSizeKeepingEverySample()
    {
        var samples = Enumerable.Range(0, 250).Select(i => Sample(i)).ToList();

        var (messages, tooLarge) = SampleMessages.Pack(samples, batchSize: 100);

        Assert.Empty(tooLarge);
        Assert.Equal([100, 100, 50], messages.Select(m => m.Samples.Count));
        var parsed = messages.SelectMany(m => SampleMessages.Parse(m.Json)).ToList();
        Assert.Equal(samples.Select(s => s.PredictionId), parsed.Select(s => s.PredictionId));
        Assert.Equal(7, parsed[7].Inputs.GetProperty("x").GetInt32());
    }

    [Fact]
    public void Pack_LargeSamples_SplitsSoNoMessageIsOverTheByteLimit()
    {
        var samples = Enumerable.Range(0, 20).Select(i => Sample(i, padding: 10_000)).ToList();

        var (messages, tooLarge) = SampleMessages.Pack(samples, batchSize: 100);

        Assert.Empty(tooLarge);
        Assert.True(messages.Count >= 5, $"{messages.Count} messages");
        Assert.All(messages, m => Assert.InRange(Encoding.UTF8.GetByteCount(m.Json), 1, SampleMessages.MaxMessageBytes));
        Assert.Equal(20, messages.Sum(m => SampleMessages.Parse(m.Json).Count));
    }

    [Fact]
    public void Pack_SampleOverTheSampleLimit_ReturnedAsTooLarge()
    {
        var samples = new[] { Sample(0), Sample(1, padding: SampleMessages.MaxSampleBytes), Sample(2) };

        var (messages, tooLarge) = SampleMessages.Pack(samples, batchSize: 100);

        Assert.Equal("id-1", Assert.Single(tooLarge).PredictionId);
        Assert.Equal(["id-0", "id-2"], Assert.Single(messages).Samples.Select(s => s.PredictionId));
    }

    [Fact]
    public void BatchId_SameMessage_SameId()
    {
        Assert.Equal(SampleMessages.BatchId("[1]"), SampleMessages.BatchId("[1]"));
        Assert.NotEqual(SampleMessages.BatchId("[1]"), SampleMessages.BatchId("[2]"));
    }
}
