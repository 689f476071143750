using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class DriftDetectorTests
{
    private static readonly FeatureBaseline Age = NumericBaseline("age", NormalSample.Draw(seed: 21, count: 20_000, mean: 40, standardDeviation: 12));

    private static readonly FeatureBaseline Colour = new("colour", FeatureTypes.Categorical, 0,
        Frequencies: new Dictionary<string, double> { ["red"] = 0.5, ["green"] = 0.3, ["blue"] = 0.2 });

    [Fact]
    public void Evaluate_UnshiftedNumeric_NothingDrifted()
    {
        var results = DriftDetector.Evaluate(Age, Floats(NormalSample.Draw(seed: 22, count: 1000, mean: 40, standardDeviation: 12)));

        Assert.Equal([DriftTestNames.Psi, DriftTestNames.KolmogorovSmirnov], results.Select(r => r.Test));
        Assert.All(results, r => Assert.False(r.Drifted, r.Evidence));
        Assert.All(results, r => Assert.Equal("age", r.Feature));
        Assert.True(results[0].Statistic < PopulationStability.ModerateThreshold, results[0].Evidence);
    }

    [Fact]
    public void Evaluate_NumericShiftedByOneSigma_BothTestsDrifted()
    {
        var results = DriftDetector.Evaluate(Age, Floats(NormalSample.Draw(seed: 22, count: 1000, mean: 52, standardDeviation: 12)));

        Assert.All(results, r => Assert.True(r.Drifted, r.Evidence));
        Assert.Null(results[0].PValue);
        Assert.True(results[1].PValue < 0.01);
        Assert.Contains("PSI", results[0].Evidence, StringComparison.Ordinal);
        Assert.Contains("in training", results[0].Evidence, StringComparison.Ordinal);
        Assert.StartsWith("KS D = ", results[1].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NumericMissingRateJumps_PsiDrifted()
    {
        // Training had no missing ages; live has 40% missing: the missing bucket alone adds (0.4 − 1e-4)·ln(0.4/1e-4) ≈ 3.3.
        double[] present = NormalSample.Draw(seed: 23, count: 600, mean: 40, standardDeviation: 12);
        float[] live = [.. Floats(present), .. Enumerable.Repeat(float.NaN, 400)];

        var psi = DriftDetector.Evaluate(Age, live)[0];

        Assert.True(psi.Drifted, psi.Evidence);
        Assert.Contains("largest change: missing values 40% live vs 0% in training", psi.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FewValues_NotEnoughDataAndNotDrifted()
    {
        var results = DriftDetector.Evaluate(Age, [100f, 100f, 100f]);

        Assert.All(results, r =>
        {
            Assert.False(r.Drifted);
            Assert.Null(r.Statistic);
            Assert.Null(r.PValue);
            Assert.Equal(3, r.SampleSize);
            Assert.StartsWith("not enough data: 3", r.Evidence, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Evaluate_FeatureAlwaysMissingInTraining_PsiOnlyOnMissingness()
    {
        var baseline = NumericBaseline("empty", [double.NaN, double.NaN]);
        float[] stillMissing = [.. Enumerable.Repeat(float.NaN, 100)];
        float[] nowPresent = [.. Enumerable.Repeat(1f, 100)];

        var unchanged = DriftDetector.Evaluate(baseline, stillMissing);
        var changed = DriftDetector.Evaluate(baseline, nowPresent);

        Assert.Equal(0, unchanged[0].Statistic!.Value, 12);
        Assert.False(unchanged[1].Drifted);
        Assert.Null(unchanged[1].Statistic);
        Assert.True(changed[0].Drifted, changed[0].Evidence);
        Assert.Contains("largest change: present values 100% live vs 0% in training", changed[0].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CategoricalAtBaselineShares_NothingDrifted()
    {
        var results = DriftDetector.Evaluate(Colour, Colours(red: 100, green: 60, blue: 40));

        Assert.Equal([DriftTestNames.Psi, DriftTestNames.ChiSquare], results.Select(r => r.Test));
        Assert.All(results, r => Assert.False(r.Drifted, r.Evidence));
        Assert.Equal(1, results[1].PValue!.Value, 9);
    }

    [Fact]
    public void Evaluate_CategoricalShifted_BothDriftedNamingTheCategory()
    {
        // 200 values: expected red 100, green 60, blue 40; seen 40, 60, 100.
        // χ² = 60²/100 + 0 + 60²/40 = 36 + 90 = 126 (2 dof, p = e^−63). PSI = (0.2 − 0.5)·ln 0.4 + (0.5 − 0.2)·ln 2.5 = 0.3·ln 6.25 = 0.549774439.
        var results = DriftDetector.Evaluate(Colour, Colours(red: 40, green: 60, blue: 100));

        Assert.All(results, r => Assert.True(r.Drifted, r.Evidence));
        Assert.Equal(0.549774439, results[0].Statistic!.Value, 8);
        Assert.Equal(126, results[1].Statistic!.Value, 9);
        Assert.Contains("'blue' seen 100 times, 40 expected", results[1].Evidence, StringComparison.Ordinal);
        Assert.StartsWith("PSI 0.5498 (significant; above 0.25) over 200 values; largest change: '", results[0].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CategoricalBaselineForNumbers_Throws()
    {
        Assert.Throws<ArgumentException>(() => DriftDetector.Evaluate(Colour, [1f, 2f]));
    }

    [Fact]
    public void Evaluate_ThresholdOutOfRange_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DriftDetector.Evaluate(Colour, ["red"], new DriftOptions(PValueThreshold: 1.5)));

        Assert.Equal(nameof(DriftOptions.PValueThreshold), error.ParamName);
    }

    [Fact]
    public void Evaluate_LowerMinimumSampleSize_TestsSmallSamples()
    {
        var results = DriftDetector.Evaluate(Colour, Colours(red: 5, green: 3, blue: 2), new DriftOptions(MinimumSampleSize: 10));

        Assert.All(results, r => Assert.NotNull(r.Statistic));
    }

    private static float[] Floats(double[] values) => [.. values.Select(v => (float)v)];

    private static string[] Colours(int red, int green, int blue) =>
        [.. Enumerable.Repeat("red", red), .. Enumerable.Repeat("green", green), .. Enumerable.Repeat("blue", blue)];

    private static FeatureBaseline NumericBaseline(string name, double[] values)
    {
        float[] training = Floats(values);
        return BaselineStatistics.Compute(new TrainingTable([new NumericColumn(name, training)], [], new float[training.Length], [], []))[0];
    }
}
