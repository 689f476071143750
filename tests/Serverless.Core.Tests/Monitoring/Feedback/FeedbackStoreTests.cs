using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Feedback;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Feedback;

public sealed class FeedbackStoreTests
{
    private const string Classifier = """{"label": true, "probabilities": {"false": 0.25, "true": 0.75}}""";
    private const string Regressor = """{"value": 12.5}""";

    // Samples and ids of one fixed moment, so that no test straddles a window boundary by chance.
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 10, 7, 30, TimeSpan.Zero);

    private sealed record Stores(SampleStore Samples, FeedbackStore Feedback, TableClient Table);

    private static async Task<Stores> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string id = Guid.NewGuid().ToString("N")[..10];
        var options = Options.Create(new MonitoringOptions { SampleTable = "feedback" + id, SampleContainer = "feedback-" + id });
        var tables = new TableServiceClient(connection);
        var samples = new SampleStore(tables, new BlobServiceClient(connection), options);
        return new Stores(samples, new FeedbackStore(tables, samples, options), tables.GetTableClient(options.Value.SampleTable));
    }

    private static string NewId(DateTimeOffset? at = null) => Guid.CreateVersion7(at ?? Time).ToString();

    private static PredictionSample Sample(string model, string id, string outputs, DateTimeOffset? time = null)
    {
        using var inputs = JsonDocument.Parse("""{"income": 10}""");
        using var o = JsonDocument.Parse(outputs);
        return new PredictionSample(model, 1, id, time ?? Time, inputs.RootElement.Clone(), o.RootElement.Clone());
    }

    private static IReadOnlyList<FeedbackItem> Items(params (string Id, string ActualJson)[] items) =>
        FeedbackStore.Parse(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            feedback = items.Select(i => new Dictionary<string, object> { ["predictionId"] = i.Id, ["label"] = JsonDocument.Parse(i.ActualJson).RootElement }),
        })));

    private static InvalidFeedbackException ParseFails(string body) =>
        Assert.Throws<InvalidFeedbackException>(() => FeedbackStore.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task RecordAsync_SampledPredictions_ActualOnTheRowAndReadWithTheWindow()
    {
        var stores = await CreateAsync();
        var time = Time;
        string a = NewId(time), b = NewId(time), c = NewId(time) + ".1";
        await stores.Samples.StoreAsync([Sample("loans", a, Classifier, time), Sample("loans", b, Classifier, time), Sample("loans", c, Classifier, time)], "batch", CancellationToken.None);

        var result = await stores.Feedback.RecordAsync("loans", Items((a, "false"), (c, "\"true\"")));

        Assert.Equal(new FeedbackResult(2, 0), result);
        var window = await stores.Samples.ReadWindowAsync("loans", stores.Samples.WindowStart(time));
        Assert.False(window.Single(s => s.PredictionId == a).Actual!.Value.GetBoolean());
        Assert.Equal("true", window.Single(s => s.PredictionId == c).Actual!.Value.GetString());
        Assert.Null(window.Single(s => s.PredictionId == b).Actual);
        var row = (await stores.Table.GetEntityAsync<TableEntity>(SampleStore.PartitionKey("loans", stores.Samples.WindowStart(time)), a)).Value;
        Assert.NotNull(row.GetDateTimeOffset("FeedbackAt"));
        Assert.Equal("""{"income": 10}""", row.GetString("Inputs"));
    }

    [Fact]
    public async Task StoreAsync_SampleStoredAgainAfterFeedback_ActualKept()
    {
        var stores = await CreateAsync();
        string a = NewId();
        await stores.Samples.StoreAsync([Sample("loans", a, Classifier)], "batch", CancellationToken.None);
        await stores.Feedback.RecordAsync("loans", Items((a, "true")));

        await stores.Samples.StoreAsync([Sample("loans", a, Classifier)], "batch", CancellationToken.None);

        Assert.True(Assert.Single(await stores.Samples.ReadWindowAsync("loans", Time)).Actual!.Value.GetBoolean());
    }

    [Fact]
    public async Task RecordAsync_ManyWindowsAndOver100InOnePartition_AllRecorded()
    {
        var stores = await CreateAsync();
        var now = Time;
        var times = Enumerable.Range(0, 150).Select(i => i < 120 ? now : now.AddHours(-1)).ToList();
        var ids = times.Select(t => NewId(t)).ToList();
        await stores.Samples.StoreAsync(ids.Select((id, i) => Sample("loans", id, Regressor, times[i])).ToList(), "batch", CancellationToken.None);

        var result = await stores.Feedback.RecordAsync("loans", Items(ids.Select((id, i) => (id, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()));

        Assert.Equal(new FeedbackResult(150, 0), result);
        var recent = await stores.Samples.ReadWindowAsync("loans", stores.Samples.WindowStart(now));
        Assert.Equal(120, recent.Count(s => s.Actual is not null));
        var earlier = await stores.Samples.ReadWindowAsync("loans", stores.Samples.WindowStart(now.AddHours(-1)));
        Assert.Equal(149, earlier.Single(s => s.PredictionId == ids[149]).Actual!.Value.GetDouble());
    }

    [Fact]
    public async Task RecordAsync_SameLabelAgain_UnchangedAndDifferentLabel409()
    {
        var stores = await CreateAsync();
        string a = NewId(), b = NewId();
        await stores.Samples.StoreAsync([Sample("loans", a, Classifier), Sample("loans", b, Classifier)], "batch", CancellationToken.None);
        await stores.Feedback.RecordAsync("loans", Items((a, "true")));

        var again = await stores.Feedback.RecordAsync("loans", Items((a, "true"), (b, "false")));

        Assert.Equal(new FeedbackResult(1, 1), again);
        var conflict = await Assert.ThrowsAsync<FeedbackConflictException>(() => stores.Feedback.RecordAsync("loans", Items((a, "false"))));
        Assert.Contains(a, conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_ConflictInTheCall_NothingStored()
    {
        var stores = await CreateAsync();
        string a = NewId(), b = NewId();
        await stores.Samples.StoreAsync([Sample("loans", a, Classifier), Sample("loans", b, Classifier)], "batch", CancellationToken.None);
        await stores.Feedback.RecordAsync("loans", Items((a, "true")));

        await Assert.ThrowsAsync<FeedbackConflictException>(() => stores.Feedback.RecordAsync("loans", Items((b, "true"), (a, "false"))));

        Assert.Null((await stores.Samples.ReadWindowAsync("loans", Time)).Single(s => s.PredictionId == b).Actual);
    }

    [Fact]
    public async Task RecordAsync_UnknownOrOtherModelsId_404ListingThemAndNothingStored()
    {
        var stores = await CreateAsync();
        string known = NewId(), other = NewId(), missing = NewId();
        await stores.Samples.StoreAsync([Sample("loans", known, Classifier), Sample("churn", other, Classifier)], "batch", CancellationToken.None);

        var ex = await Assert.ThrowsAsync<UnknownPredictionException>(() => stores.Feedback.RecordAsync("loans", Items((known, "true"), (other, "true"), (missing, "true"))));

        Assert.Contains(other, ex.Message, StringComparison.Ordinal);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(known, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Monitoring__SampleRate", ex.Message, StringComparison.Ordinal);
        Assert.Null((await stores.Samples.ReadWindowAsync("loans", Time)).Single().Actual);
    }

    [Fact]
    public async Task RecordAsync_NoTableYet_Unknown()
    {
        var stores = await CreateAsync();

        await Assert.ThrowsAsync<UnknownPredictionException>(() => stores.Feedback.RecordAsync("loans", Items((NewId(), "true"))));
    }

    [Fact]
    public async Task RecordAsync_SampleStoredInTheNextWindow_Found()
    {
        var stores = await CreateAsync();
        var boundary = stores.Samples.WindowStart(Time);
        string id = NewId(boundary.AddMilliseconds(-20));
        await stores.Samples.StoreAsync([Sample("loans", id, Classifier, boundary.AddMilliseconds(5))], "batch", CancellationToken.None);

        Assert.Equal(new FeedbackResult(1, 0), await stores.Feedback.RecordAsync("loans", Items((id, "true"))));
    }

    [Theory]
    [InlineData(Classifier, "\"maybe\"", "not one of the model's classes")]
    [InlineData(Classifier, "1", "not one of the model's classes")]
    [InlineData(Regressor, "\"high\"", "must be a number")]
    [InlineData(Regressor, "true", "must be a number")]
    [InlineData("""{"label": "cat"}""", "3", "must be a string")]
    public async Task RecordAsync_LabelNotFittingTheOutputs_InvalidAndNothingStored(string outputs, string actual, string expected)
    {
        var stores = await CreateAsync();
        string good = NewId(), bad = NewId();
        await stores.Samples.StoreAsync([Sample("m", good, Classifier), Sample("m", bad, outputs)], "batch", CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidFeedbackException>(() => stores.Feedback.RecordAsync("m", Items((good, "true"), (bad, actual))));

        Assert.Contains("feedback[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.All(await stores.Samples.ReadWindowAsync("m", Time), s => Assert.Null(s.Actual));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "'feedback'")]
    [InlineData("""{"feedback": []}""", "1 to 1000")]
    [InlineData("""{"feedback": [1]}""", "feedback[0] must be an object")]
    [InlineData("""{"feedback": [{"label": true}]}""", "feedback[0].predictionId is missing")]
    [InlineData("""{"feedback": [{"predictionId": 5, "label": true}]}""", "feedback[0].predictionId must be a string")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000"}]}""", "feedback[0].label is missing")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000", "label": [1]}]}""", "feedback[0].label must be a string, number or boolean")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000", "label": 1, "value": 1}]}""", "both")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000", "lable": 1}]}""", "feedback[0].lable is not a feedback field")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-4000-8000-000000000000", "label": 1}]}""", "feedback[0].predictionId '019ac5a0-0000-4000-8000-000000000000' is not a prediction id")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000.x", "label": 1}]}""", "is not a prediction id")]
    [InlineData("""{"feedback": [{"predictionId": "p1", "label": 1}]}""", "is not a prediction id")]
    [InlineData("""{"feedback": [{"predictionId": "019ac5a0-0000-7000-8000-000000000000", "label": 1}, {"predictionId": "019AC5A0-0000-7000-8000-000000000000", "value": 2}]}""", "is also feedback[0]")]
    public void Parse_BadBody_InvalidNamingTheItemAndField(string body, string expected)
    {
        Assert.Contains(expected, ParseFails(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverMaxItems_Invalid()
    {
        string body = JsonSerializer.Serialize(new { feedback = Enumerable.Range(0, FeedbackStore.MaxItems + 1).Select(_ => new { predictionId = NewId(), label = 1 }) });

        Assert.Contains("1 to 1000", ParseFails(body).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParsePredictionId_Version7WithRow_CanonicalAndCreationTime()
    {
        var time = new DateTimeOffset(2026, 11, 27, 12, 3, 4, 567, TimeSpan.Zero);
        string id = Guid.CreateVersion7(time).ToString().ToUpperInvariant() + ".12";

        Assert.True(FeedbackStore.TryParsePredictionId(id, out string canonical, out var created));

        Assert.Equal(id.ToLowerInvariant(), canonical);
        Assert.Equal(time, created);
        Assert.False(FeedbackStore.TryParsePredictionId(Guid.NewGuid().ToString(), out _, out _));
        Assert.False(FeedbackStore.TryParsePredictionId(Guid.CreateVersion7().ToString() + ".-1", out _, out _));
    }
}
