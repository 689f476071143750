using System.Text.Json;
using Serverless.Demo;
using Serverless.Demo.Traffic;

namespace Serverless.Cli.Tests;

/// <summary>The demo's traffic generator (<c>Serverless.Demo traffic</c>) against the fake platform, which records what it sends.</summary>
public sealed class DemoTrafficTests
{
    private const string PredictPath = "/models/loan-approval/predict";
    private const string FeedbackPath = "/models/loan-approval/feedback";

    private const string PredictAnswer = """
        {"model_name":"loan-approval","model_version":"1","predictions":[{"prediction_id":"019ac5a1-0b5e-7f39-a8a1-6c1f0f4b2f10","label":true,"probabilities":{"false":0.1,"true":0.9}}]}
        """;

    [Fact]
    public async Task Run_ShiftAfterOneSecond_SendsRowsUnchangedThenShiftedAndFeedbackWithTheModelsLabels()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", PredictPath, 200, PredictAnswer);
        // The first feedback is recorded; the rest are refused as unsampled, as the platform does for predictions it did not sample.
        platform.OnSequence("POST", FeedbackPath, (200, """{"recorded":1,"unchanged":0}"""), (404, """{"error":"1 of 1 prediction ids have no stored sample"}"""));
        using var client = new HttpClient { BaseAddress = platform.Url };
        using var output = new StringWriter();
        var options = TrafficOptions.Default with
        {
            Seconds = 3, Rate = 5, Shift = FeatureShift.Parse("income+1000"), ShiftAfter = TimeSpan.FromSeconds(1), FeedbackShare = 1, FeedbackDelay = TimeSpan.Zero, Seed = 7,
        };

        TrafficTotals totals = await new TrafficGenerator(client, output).RunAsync(options, CancellationToken.None);

        var incomes = platform.RequestsTo("POST", PredictPath).Select(r => Row(r.Body).GetProperty("income").GetDouble()).ToList();
        Assert.Equal(15, incomes.Count);
        Assert.All(incomes.Take(5), income => Assert.InRange(income, 20, 200));
        Assert.All(incomes.TakeLast(5), income => Assert.InRange(income, 1020, 1200));
        Assert.All(platform.RequestsTo("POST", PredictPath), r => Assert.Equal(
            ["income", "debt_ratio", "years_employed", "late_payments", "employment"], Row(r.Body).EnumerateObject().Select(p => p.Name)));

        var feedback = platform.RequestsTo("POST", FeedbackPath);
        Assert.Equal(15, feedback.Count);
        Assert.All(feedback, r =>
        {
            JsonElement item = Assert.Single(JsonDocument.Parse(r.Body).RootElement.GetProperty("feedback").EnumerateArray());
            Assert.Equal("019ac5a1-0b5e-7f39-a8a1-6c1f0f4b2f10", item.GetProperty("predictionId").GetString());
            Assert.True(item.GetProperty("label").GetString() is "true" or "false", item.GetRawText());
        });
        Assert.Equal((15, 0, 15, 1, 14, 0), (totals.Sent, totals.Errors, totals.Approved, totals.FeedbackRecorded, totals.FeedbackNotSampled, totals.FeedbackErrors));
        Assert.Contains("shift income+1000", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("income*1.5", "income", '*', 1.5, null)]
    [InlineData("debt_ratio+-0.1", "debt_ratio", '+', -0.1, null)]
    [InlineData("employment=contract@0.8", "employment", '=', 0.8, "contract")]
    [InlineData("employment=salaried", "employment", '=', 1.0, "salaried")]
    public void Parse_Shift_ReadsFeatureOperatorAndAmount(string text, string feature, char op, double amount, string? category) =>
        Assert.Equal(new FeatureShift(feature, op, amount, category), FeatureShift.Parse(text));

    [Theory]
    [InlineData("gender=male")]
    [InlineData("employment*2")]
    [InlineData("income=10")]
    [InlineData("employment=contract@1.5")]
    [InlineData("income*x")]
    public void Parse_NotAShift_ThrowsSayingWhatIsAllowed(string text)
    {
        var ex = Assert.Throws<FormatException>(() => FeatureShift.Parse(text));
        Assert.Contains("FEATURE*FACTOR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CategoricalShareOfOne_MovesEveryRowAndKeepsTheOutcome()
    {
        var shift = FeatureShift.Parse("employment=contract");
        var random = new Random(1);
        var rows = Enumerable.Range(0, 50).Select(_ => DemoData.Next(random)).ToList();

        var shifted = rows.Select(r => shift.Apply(r, random)).ToList();

        Assert.All(shifted, r => Assert.Equal("contract", r.Employment));
        Assert.Equal(rows.Select(r => r.Approved), shifted.Select(r => r.Approved));
    }

    private static JsonElement Row(string body) => Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("rows").EnumerateArray());
}
