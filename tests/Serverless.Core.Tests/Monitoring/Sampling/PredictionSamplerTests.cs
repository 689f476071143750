using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class PredictionSamplerTests
{
    internal static readonly ModelVersionInfo Version = new("loans", 3, new string('0', 64), 1, "models/loans/3.onnx", new ModelSignature([], []), DateTimeOffset.UnixEpoch, new RegistrationMetadata("test"));

    internal static PredictionSampler Sampler(double rate, int capacity = 10_000) =>
        new(Options.Create(new MonitoringOptions { SampleRate = rate, BufferCapacity = capacity }));

    /// <summary>A records request of <paramref name="count"/> rows and the response serving would write for it.</summary>
    internal static (JsonElement[] Rows, byte[] Response) Records(int count)
    {
        var rows = Enumerable.Range(0, count).Select(i => $"{{\"income\": {i}, \"city\": \"c{i}\"}}");
        var predictions = Enumerable.Range(0, count).Select(i => $"{{\"prediction_id\": \"id-{i}\", \"label\": {(i % 2 == 0 ? "true" : "false")}, \"probabilities\": {{\"false\": 0.25, \"true\": 0.75}}}}");
        using var request = JsonDocument.Parse($"[{string.Join(",", rows)}]");
        string response = $"{{\"model_name\": \"loans\", \"model_version\": \"3\", \"predictions\": [{string.Join(",", predictions)}]}}";
        return ([.. request.RootElement.EnumerateArray().Select(r => r.Clone())], Encoding.UTF8.GetBytes(response));
    }

    private static List<PredictionSample> Drain(PredictionSampler sampler)
    {
        var samples = new List<PredictionSample>();
        while (sampler.Reader.TryRead(out var sample))
        {
            samples.Add(sample);
        }

        return samples;
    }

    [Fact]
    public void SampleRecords_RateZero_SamplesNothing()
    {
        using var sampler = Sampler(0);
        var (rows, response) = Records(50);

        sampler.SampleRecords(Version, rows, response);

        Assert.Equal(new SamplingStatistics(0, 0, 0, 0), sampler.GetStatistics());
        Assert.Empty(Drain(sampler));
    }

    [Fact]
    public void SampleRecords_RateOne_SamplesEveryRowWithItsFeaturesAndPrediction()
    {
        using var sampler = Sampler(1);
        var (rows, response) = Records(5);

        sampler.SampleRecords(Version, rows, response);

        Assert.Equal(new SamplingStatistics(5, 0, 0, 5), sampler.GetStatistics());
        var samples = Drain(sampler);
        Assert.Equal(["id-0", "id-1", "id-2", "id-3", "id-4"], samples.Select(s => s.PredictionId));
        Assert.All(samples, s => Assert.Equal(("loans", 3), (s.Model, s.Version)));
        Assert.Equal(3, samples[3].Inputs.GetProperty("income").GetInt32());
        Assert.Equal("c3", samples[3].Inputs.GetProperty("city").GetString());
        Assert.False(samples[3].Outputs.GetProperty("label").GetBoolean());
        Assert.Equal(0.75, samples[3].Outputs.GetProperty("probabilities").GetProperty("true").GetDouble());
        Assert.False(samples[3].Outputs.TryGetProperty("prediction_id", out _));
    }

    [Fact]
    public void SampleRecords_RateAHalf_SamplesSomeRowsNotAll()
    {
        using var sampler = Sampler(0.5);
        var (rows, response) = Records(400);

        sampler.SampleRecords(Version, rows, response);

        // 400 draws at one half: fewer than 100 or more than 300 has a chance below 1e-20.
        Assert.InRange(sampler.GetStatistics().Sampled, 100, 300);
    }

    [Fact]
    public void Offer_BufferFull_CountsTheRestAsDroppedWithoutThrowing()
    {
        using var sampler = Sampler(1, capacity: 5);
        var (rows, response) = Records(12);

        sampler.SampleRecords(Version, rows, response);

        Assert.Equal(new SamplingStatistics(12, 0, 7, 5), sampler.GetStatistics());
        Assert.Equal(5, Drain(sampler).Count);
    }

    [Fact]
    public void ReportSent_SamplesLeaveTheBuffer_TotalsStillAddUp()
    {
        using var sampler = Sampler(1, capacity: 5);
        var (rows, response) = Records(8);
        sampler.SampleRecords(Version, rows, response);
        var samples = Drain(sampler);

        sampler.ReportSent(samples.Take(3));
        sampler.ReportDropped(samples.Skip(3).Take(1));

        var statistics = sampler.GetStatistics();
        Assert.Equal(new SamplingStatistics(8, 3, 4, 1), statistics);
        Assert.Equal(statistics.Sampled, statistics.Sent + statistics.Dropped + statistics.Buffered);
    }

    [Fact]
    public void SampleRecords_ResponseNotAsExpected_NothingThrownNothingSampled()
    {
        using var sampler = Sampler(1);
        var (rows, _) = Records(2);

        sampler.SampleRecords(Version, rows, Encoding.UTF8.GetBytes("{\"predictions\": []}"));

        Assert.Empty(Drain(sampler));
    }
}
