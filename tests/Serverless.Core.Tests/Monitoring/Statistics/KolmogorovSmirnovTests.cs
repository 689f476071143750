using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class KolmogorovSmirnovTests
{
    [Theory]
    [InlineData(0.10)]
    [InlineData(0.05)]
    [InlineData(0.01)]
    public void KolmogorovSurvival_TabulatedCriticalValue_GivesItsLevel(double alpha)
    {
        // The critical values c(α) = √(−ln(α/2)/2) (1.2239, 1.3581, 1.6276) make the series' first term
        // 2·exp(−2c²) exactly α; the second, −2·exp(−8c²) = −2·(α/2)⁴, is below 1e-6, the rest far smaller.
        double lambda = Math.Sqrt(-Math.Log(alpha / 2) / 2);

        Assert.Equal(alpha - (2 * Math.Pow(alpha / 2, 4)), KolmogorovSmirnov.KolmogorovSurvival(lambda), 9);
    }

    [Fact]
    public void KolmogorovSurvival_SmallLambda_MatchesKolmogorovTable()
    {
        // Kolmogorov's table: P(K ≤ 0.5) = 0.036055 (one term of √(2π)/λ·Σ exp(−(2j−1)²π²/(8λ²)): 5.013257·e^(−π²/2)),
        // and P(K ≤ 1) = 0.730000 (1 − 2(e^−2 − e^−8 + e^−18)).
        Assert.Equal(0.963945244, KolmogorovSmirnov.KolmogorovSurvival(0.5), 8);
        Assert.Equal(0.269999672, KolmogorovSmirnov.KolmogorovSurvival(1.0), 8);
    }

    [Fact]
    public void KolmogorovSurvival_EitherSideOfTheSeriesSwitch_Continuous()
    {
        Assert.Equal(KolmogorovSmirnov.KolmogorovSurvival(1.18 - 1e-9), KolmogorovSmirnov.KolmogorovSurvival(1.18), 8);
    }

    [Fact]
    public void TwoSample_ExplicitSamples_MatchesHandComputation()
    {
        // ECDFs: at 1: 1/4 − 0; at 2: 2/4 − 0; at 3: 3/4 − 1/5 = 0.55; at 4: 1 − 2/5 = 0.6; then the gap closes. D = 0.6.
        // Ne = 4·5/9 = 2.2222, √Ne = 1.490712; λ = (1.490712 + 0.12 + 0.11/1.490712)·0.6 = 1.010701;
        // Q(λ) = 2(e^(−2λ²) − e^(−8λ²) + e^(−18λ²)) = 0.258704697.
        var result = KolmogorovSmirnov.TwoSample([1, 2, 3, 4], [3, 4, 5, 6, 7]);

        Assert.Equal(0.6, result.Statistic, 12);
        Assert.Equal(20.0 / 9, result.EffectiveN, 12);
        Assert.Equal(0.258704697, result.PValue, 8);
    }

    [Fact]
    public void TwoSample_Ties_StepBothSamplesAtOnce()
    {
        // At 1: 2/3 − 1/3 = 1/3; at 2: 1 − 1 = 0. Stepping one value at a time would see 2/3 at the first 1.
        var result = KolmogorovSmirnov.TwoSample([1, 1, 2], [1, 2, 2]);

        Assert.Equal(1.0 / 3, result.Statistic, 12);
    }

    [Fact]
    public void TwoSample_IdenticalSamples_ZeroAndPOne()
    {
        double[] sample = NormalSample.Draw(seed: 1, count: 200);

        var result = KolmogorovSmirnov.TwoSample(sample, sample);

        Assert.Equal(0, result.Statistic);
        Assert.Equal(1, result.PValue, 12);
    }

    [Fact]
    public void TwoSample_ShiftedNormal_SmallP()
    {
        var result = KolmogorovSmirnov.TwoSample(NormalSample.Draw(seed: 3, count: 1000), NormalSample.Draw(seed: 4, count: 500, mean: 0.5));

        Assert.True(result.PValue < 1e-6, $"p = {result.PValue}, D = {result.Statistic}");
    }

    [Fact]
    public void TwoSample_SameNormal_LargeP()
    {
        // Seeds 3 and 4 (1 and 2 happen to give a first 500 values of seed 2 unusually far from normal: D 0.071 against Φ).
        var result = KolmogorovSmirnov.TwoSample(NormalSample.Draw(seed: 3, count: 1000), NormalSample.Draw(seed: 4, count: 500));

        Assert.True(result.PValue > 0.05, $"p = {result.PValue}, D = {result.Statistic}");
    }

    [Fact]
    public void TwoSample_NaN_Throws()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1, double.NaN], [1]));
    }

    [Fact]
    public void AgainstBaseline_ShiftedSample_MatchesHandComputation()
    {
        // Edges [0, 1, 2], quarters: F(0) = 0.25, F(1) = 0.5, F(2) = 0.75, linear between. Live 2.2..2.8 lie in the
        // top bin, where only the edges count: at 2, ECDF 0 against 0.75. D = 0.75.
        // n = 4: λ = (2 + 0.12 + 0.11/2)·0.75 = 1.63125; Q = 2(e^(−2λ²) − e^(−8λ²) + e^(−18λ²)) = 0.009766413.
        var baseline = new FeatureBaseline("x", FeatureTypes.Numeric, 0, 1, 1, [0, 1, 2], [0.25, 0.25, 0.25, 0.25]);

        var result = KolmogorovSmirnov.AgainstBaseline(baseline, [2.2, 2.4, 2.6, 2.8]);

        Assert.Equal(0.75, result.Statistic, 12);
        Assert.Equal(0.009766413, result.PValue, 8);
    }

    [Fact]
    public void AgainstBaseline_ValueBetweenEdges_UsesLinearCdf()
    {
        // Edges [0, 1, 2], quarters. Live [0.5, 0.5, 0.5, 1.5]: at 0, ECDF 0 vs 0.25; at 0.5, 0.75 vs 0.375 (linear:
        // 0.25 + 0.5·0.25) = 0.375; at 1, 0.75 vs 0.5; at 1.5, 1 vs 0.625 = 0.375; at 2, 1 vs 0.75. D = 0.375.
        var baseline = new FeatureBaseline("x", FeatureTypes.Numeric, 0, 1, 1, [0, 1, 2], [0.25, 0.25, 0.25, 0.25]);

        var result = KolmogorovSmirnov.AgainstBaseline(baseline, [0.5, 0.5, 0.5, 1.5]);

        Assert.Equal(0.375, result.Statistic, 12);
    }

    [Fact]
    public void AgainstBaseline_PointMassAtAnEdge_NotAGap()
    {
        // 90% of training values were 0 (edge 0, bin share 0.9). Live: 90 zeros and 10 values above: at 0, ECDF 0.9
        // against 0.9. D = 0 (the values above 0 lie in the outer bin, where only the edge counts).
        var baseline = new FeatureBaseline("gain", FeatureTypes.Numeric, 0, 100, 300, [0], [0.9, 0.1]);
        double[] live = [.. Enumerable.Repeat(0.0, 90), .. Enumerable.Repeat(500.0, 10)];

        var result = KolmogorovSmirnov.AgainstBaseline(baseline, live);

        Assert.Equal(0, result.Statistic, 12);
    }

    [Fact]
    public void AgainstBaseline_OneBinBaseline_ShareOfOtherValues()
    {
        // Every training value was 5: D is the share of live values that are not 5, here 1 of 4.
        var baseline = new FeatureBaseline("x", FeatureTypes.Numeric, 0, 5, 0, [], [1]);

        Assert.Equal(0.25, KolmogorovSmirnov.AgainstBaseline(baseline, [5, 5, 5, 7]).Statistic, 12);
    }

    [Fact]
    public void AgainstBaseline_UnshiftedNormal_NotSignificant()
    {
        var baseline = NormalBaseline();

        var result = KolmogorovSmirnov.AgainstBaseline(baseline, NormalSample.Draw(seed: 12, count: 2000));

        Assert.True(result.PValue > 0.05, $"p = {result.PValue}, D = {result.Statistic}");
    }

    [Fact]
    public void AgainstBaseline_NormalShiftedByHalfASigma_Significant()
    {
        var baseline = NormalBaseline();

        var result = KolmogorovSmirnov.AgainstBaseline(baseline, NormalSample.Draw(seed: 12, count: 500, mean: 0.5));

        // Φ(0.5) − Φ(0) = 0.19: the shift moves the CDF by that much around the centre, so D is near it.
        Assert.InRange(result.Statistic, 0.14, 0.24);
        Assert.True(result.PValue < 1e-6, $"p = {result.PValue}");
    }

    private static FeatureBaseline NormalBaseline()
    {
        float[] training = [.. NormalSample.Draw(seed: 11, count: 20_000).Select(v => (float)v)];
        return BaselineStatistics.Compute(new TrainingTable([new NumericColumn("x", training)], [], new float[training.Length], [], []))[0];
    }
}
