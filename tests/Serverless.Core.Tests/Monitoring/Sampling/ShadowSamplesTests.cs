using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Parquet.Serialization;
using Serverless.Core.Monitoring.Feedback;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Sampling;

/// <summary>A shadow version's samples: captured for the predictions sampled from the caller's answer, stored beside them, joined to their feedback.</summary>
public sealed class ShadowSamplesTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 10, 7, 30, TimeSpan.Zero);
    private static readonly ModelVersionInfo Served = PredictionSamplerTests.Version;
    private static readonly ModelVersionInfo Shadow = PredictionSamplerTests.Version with { Version = 4 };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact]
    public void FromShadow_RecordsRowsSampledFromTheAnswer_SameIdsTimeAndInputsWithTheShadowsPrediction()
    {
        const string body = """{"rows": [{"income": 10}, {"income": 20}, {"income": 30}]}""";
        string response = $$$"""
            {"model_version": "3", "predictions": [
            {"prediction_id": "{{{Id(0)}}}", "label": true, "probabilities": {"false": 0.1, "true": 0.9}},
            {"prediction_id": "{{{Id(1)}}}", "label": false, "probabilities": {"false": 0.8, "true": 0.2}},
            {"prediction_id": "{{{Id(2)}}}", "label": true, "probabilities": {"false": 0.3, "true": 0.7}}]}
            """;
        const string shadowResponse = """
            {"model_version": "4", "predictions": [
            {"prediction_id": "s0", "label": false, "probabilities": {"false": 0.6, "true": 0.4}},
            {"prediction_id": "s1", "label": false, "probabilities": {"false": 0.9, "true": 0.1}},
            {"prediction_id": "s2", "label": false, "probabilities": {"false": 0.55, "true": 0.45}}]}
            """;
        using var request = JsonDocument.Parse(body);
        var rows = request.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var served = SampleCapture.FromRecords(Served, rows, [0, 2], Utf8(response), Time);

        var shadow = SampleCapture.FromShadow(Shadow, served, records: true, Utf8(body), Utf8(response), Utf8(shadowResponse));

        Assert.Equal([Id(0), Id(2)], shadow.Select(s => s.PredictionId));
        Assert.All(shadow, s => Assert.Equal((4, true, Time), (s.Version, s.Shadow, s.Time)));
        Assert.Equal([10.0, 30.0], shadow.Select(s => s.Inputs.GetProperty("income").GetDouble()));
        Assert.Equal([0.4, 0.45], shadow.Select(s => s.Outputs.GetProperty("probabilities").GetProperty("true").GetDouble()));
        Assert.All(shadow, s => Assert.False(s.Outputs.TryGetProperty("prediction_id", out _)));
        Assert.All(served, s => Assert.False(s.Shadow));
    }

    [Fact]
    public void FromShadow_InferenceRows_SplitLikeTheAnswerUnderItsIds()
    {
        const string body = """{"inputs": [{"name": "x", "shape": [2, 1], "datatype": "FP32", "data": [1, 2]}]}""";
        const string response = """{"parameters": {"prediction_id": "p"}, "outputs": [{"name": "y", "shape": [2, 1], "datatype": "FP32", "data": [10, 20]}]}""";
        const string shadowResponse = """{"parameters": {"prediction_id": "q"}, "outputs": [{"name": "y", "shape": [2, 1], "datatype": "FP32", "data": [11, 21]}]}""";
        using var request = JsonDocument.Parse(body);
        var served = SampleCapture.FromInference(Served, request.RootElement, Utf8(response), Time);

        var shadow = SampleCapture.FromShadow(Shadow, served, records: false, Utf8(body), Utf8(response), Utf8(shadowResponse));

        Assert.Equal(["p.0", "p.1"], shadow.Select(s => s.PredictionId));
        Assert.Equal([11.0, 21.0], shadow.Select(s => s.Outputs.GetProperty("y").GetDouble()));
        Assert.All(shadow, s => Assert.Equal((4, true), (s.Version, s.Shadow)));
    }

    [Fact]
    public void Pack_ShadowSample_FlagSurvivesTheQueueAndIsLeftOutForServedOnes()
    {
        var served = new PredictionSample("loans", 3, "a", Time, Json("""{"x": 1}"""), Json("""{"value": 2}"""));
        var shadow = served with { Version = 4, Shadow = true };

        string message = Assert.Single(SampleMessages.Pack([served, shadow], 10).Messages).Json;

        Assert.Equal(1, message.Split("\"shadow\"").Length - 1);
        Assert.Equal([false, true], SampleMessages.Parse(message).Select(s => s.Shadow));
    }

    [Fact]
    public async Task StoreAsync_ShadowBesideServedPrediction_BothKeptShadowTakesTheFeedbackAndParquetMarksIt()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string id = Guid.NewGuid().ToString("N")[..10];
        var options = Options.Create(new MonitoringOptions { SampleTable = "shadowsamples" + id, SampleContainer = "shadowsamples-" + id });
        var tables = new TableServiceClient(connection);
        var blobs = new BlobServiceClient(connection);
        var store = new SampleStore(tables, blobs, options);
        var feedback = new FeedbackStore(tables, store, options);
        string a = Guid.CreateVersion7(Time).ToString(), b = Guid.CreateVersion7(Time).ToString();
        var samples = new[]
        {
            new PredictionSample("loans", 3, a, Time, Json("""{"income": 10}"""), Json("""{"label": true, "probabilities": {"false": 0.1, "true": 0.9}}""")),
            new PredictionSample("loans", 4, a, Time, Json("""{"income": 10}"""), Json("""{"label": false, "probabilities": {"false": 0.6, "true": 0.4}}"""), Shadow: true),
            new PredictionSample("loans", 3, b, Time, Json("""{"income": 20}"""), Json("""{"label": true, "probabilities": {"false": 0.2, "true": 0.8}}""")),
            new PredictionSample("loans", 4, b, Time, Json("""{"income": 20}"""), Json("""{"label": true, "probabilities": {"false": 0.3, "true": 0.7}}"""), Shadow: true),
        };
        await store.StoreAsync(samples, "batch", CancellationToken.None);

        var result = await feedback.RecordAsync("loans", FeedbackStore.Parse(Utf8($$"""{"feedback": [{"predictionId": "{{a}}", "label": "false"}]}""")));

        Assert.Equal(new FeedbackResult(1, 0), result);
        var window = await store.ReadWindowAsync("loans", Time);
        Assert.Equal(4, window.Count);
        var shadowA = window.Single(s => s.PredictionId == a && s.Shadow);
        Assert.Equal(4, shadowA.Version);
        Assert.Equal("false", shadowA.Actual!.Value.GetString());
        Assert.Equal("false", window.Single(s => s.PredictionId == a && !s.Shadow).Actual!.Value.GetString());
        Assert.All(window.Where(s => s.PredictionId == b), s => Assert.Null(s.Actual));
        Assert.Equal([3, 3], window.Where(s => !s.Shadow).Select(s => s.Version));

        var parquet = blobs.GetBlobContainerClient(options.Value.SampleContainer).GetBlobClient(SampleStore.ParquetPath("loans", store.WindowStart(Time), "batch"));
        using var stream = new MemoryStream();
        await parquet.DownloadToAsync(stream);
        stream.Position = 0;
        var table = await ParquetSerializer.DeserializeUntypedAsync(stream);
        Assert.Equal([false, false, true, true], table.Data.Select(r => (bool)r["shadow"]!).Order());
    }

    private static string Id(int row) => "00000000-0000-7000-8000-00000000000" + row;
}
