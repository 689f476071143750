using System.Globalization;
using System.Text.Json;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Tests.Monitoring.Statistics;

namespace Serverless.Core.Tests.Monitoring.Evaluation;

/// <summary>
/// A binary classifier's world for monitoring tests: a baseline from seeded training columns (income ~ N(50, 10), age ~
/// N(40, 8), late payments 0 to 3 (a discrete feature), employment salaried/contract 70/30; a score ~ N(0.3, 0.15)
/// clipped to [0, 1]) with reference values for the two-sample KS test, and live samples drawn from the same
/// distributions, or with one thing moved.
/// </summary>
internal static class MonitoringScenario
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    public static MonitoringBaseline Baseline(string model, int version = 1)
    {
        const int rows = 5000;
        var income = NormalSample.Draw(1, rows, 50, 10).Select(v => (float)v).ToArray();
        var age = NormalSample.Draw(2, rows, 40, 8).Select(v => (float)v).ToArray();
        var employment = Enumerable.Range(0, rows).Select(i => i % 10 < 7 ? "salaried" : "contract").ToArray();
        var late = Late(4, rows);
        var score = Scores(3, rows, 0.3);
        var predictions = new PredictionBaseline(
            rows,
            BaselineStatistics.Numeric(new NumericColumn(PredictionBaseline.FeatureName, score.Select(s => (float)s).ToArray())),
            score.Count(s => s >= 0.5) / (double)rows,
            0.2);
        return new MonitoringBaseline(
            model, version, "binary", "test baseline",
            [
                BaselineStatistics.Numeric(new NumericColumn("income", income)),
                BaselineStatistics.Numeric(new NumericColumn("age", age)),
                BaselineStatistics.Numeric(new NumericColumn("late", late)),
                BaselineStatistics.Categorical(new CategoricalColumn("employment", employment)),
            ],
            predictions,
            Start.AddDays(-1),
            new Dictionary<string, IReadOnlyList<double>>
            {
                ["income"] = MonitoringBaseline.Reference(income.Select(v => (double)v)),
                ["age"] = MonitoringBaseline.Reference(age.Select(v => (double)v)),
                ["late"] = MonitoringBaseline.Reference(late.Select(v => (double)v)),
                [PredictionBaseline.FeatureName] = MonitoringBaseline.Reference(score),
            });
    }

    // Mostly none, some one to three: a feature with ties, as counts are.
    private static float[] Late(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() switch { < 0.6 => 0f, < 0.8 => 1f, < 0.93 => 2f, _ => 3f })];
    }

    public static double[] Scores(int seed, int count, double mean) =>
        NormalSample.Draw(seed, count, mean, 0.15).Select(s => Math.Clamp(s, 0, 1)).ToArray();

    /// <summary>Live samples like the training data; <paramref name="incomeShift"/> moves income's mean, <paramref name="scoreMean"/> the scores'.</summary>
    public static List<PredictionSample> Samples(
        string model, int version, int count, int seed, DateTimeOffset windowStart, double incomeShift = 0, double scoreMean = 0.3, double wrongShare = 0.2)
    {
        var income = NormalSample.Draw(seed, count, 50 + incomeShift, 10);
        var age = NormalSample.Draw(seed + 1, count, 40, 8);
        var score = Scores(seed + 2, count, scoreMean);
        var late = Late(seed + 3, count);
        var samples = new List<PredictionSample>(count);
        for (int i = 0; i < count; i++)
        {
            bool positive = score[i] >= 0.5;
            bool wrong = i < count * wrongShare;
            string inputs = string.Create(CultureInfo.InvariantCulture, $$"""{"income": {{income[i]}}, "age": {{age[i]}}, "late": {{late[i]}}, "employment": "{{(i % 10 < 7 ? "salaried" : "contract")}}"}""");
            string outputs = string.Create(CultureInfo.InvariantCulture, $$$"""{"label": {{{(positive ? "true" : "false")}}}, "probabilities": {"false": {{{1 - score[i]}}}, "true": {{{score[i]}}}}}""");
            string actual = (positive != wrong) ? "\"true\"" : "\"false\"";
            samples.Add(new PredictionSample(
                model, version, Guid.CreateVersion7(windowStart.AddSeconds(i % 60)).ToString(), windowStart.AddSeconds(i % 60), Json(inputs), Json(outputs), Json(actual)));
        }

        return samples;
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
