using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void Index_TwoExplicitDistributions_MatchesHandComputation()
    {
        // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.25·ln 3 = 0.274653072.
        double psi = PopulationStability.Index([0.5, 0.5], [0.25, 0.75]);

        Assert.Equal(0.274653072, psi, 9);
    }

    [Fact]
    public void Index_IdenticalDistributions_Zero()
    {
        Assert.Equal(0, PopulationStability.Index([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]), 12);
    }

    [Fact]
    public void Index_EmptyBucket_FiniteWithEpsilon()
    {
        // Expected [1, 0] → [1, 1e-4]; actual [0.5, 0.5]:
        // (0.5 − 1)·ln(0.5) + (0.5 − 1e-4)·ln(0.5/1e-4) = 0.346573590 + 0.4999·ln 5000 = 4.604318467.
        double psi = PopulationStability.Index([1, 0], [0.5, 0.5]);

        Assert.Equal(4.604318467, psi, 8);
    }

    [Fact]
    public void Index_DifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => PopulationStability.Index([0.5, 0.5], [1]));
    }

    [Fact]
    public void Numeric_ValueOnAnEdge_FallsInTheBinBelow()
    {
        // Edges [1, 2]: bins (−∞, 1], (1, 2], (2, ∞). Live 0.5 and 1 → bin 0, 1.5 → bin 1, 3 → bin 2: shares
        // [0.5, 0.25, 0.25] against [0.25, 0.5, 0.25]; no missing on either side (both ε, adding 0):
        // 0.25·ln 2 + (−0.25)·ln 0.5 = 0.5·ln 2 = 0.346573590. (Were 1 in bin 1, the shares would match: PSI 0.)
        var baseline = new FeatureBaseline("x", FeatureTypes.Numeric, 0, 1.5, 1, [1, 2], [0.25, 0.5, 0.25]);

        double psi = PopulationStability.Numeric(baseline, [0.5f, 1f, 1.5f, 3f]);

        Assert.Equal(0.346573590, psi, 9);
    }

    [Fact]
    public void Numeric_MissingRateJumps_CountsAsShift()
    {
        // One bin; baseline missing 0.2, so present 0.8. Live: 5 of 10 missing → [0.5, 0.5] against [0.8, 0.2]:
        // (0.5 − 0.8)·ln(0.5/0.8) + (0.5 − 0.2)·ln(0.5/0.2) = 0.3·(ln 1.6 + ln 2.5) = 0.3·ln 4 = 0.415888308.
        var baseline = new FeatureBaseline("x", FeatureTypes.Numeric, 0.2, 1, 0, [], [1]);
        float[] live = [1, 1, 1, 1, 1, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN];

        Assert.Equal(0.415888308, PopulationStability.Numeric(baseline, live), 9);
    }

    [Fact]
    public void Categorical_UnseenCategory_CountsAsOther()
    {
        // Baseline a 0.5, b 0.5 (no __other__: share 0 → ε). Live a a a z: a 0.75, b 0 → ε, __other__ 0.25; missing 0/0.
        // 0.25·ln 1.5 + (1e-4 − 0.5)·ln(1e-4/0.5) + (0.25 − 1e-4)·ln(0.25/1e-4) = 6.314340252.
        var baseline = new FeatureBaseline("c", FeatureTypes.Categorical, 0, Frequencies: new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.5 });

        Assert.Equal(6.314340252, PopulationStability.Categorical(baseline, ["a", "a", "a", "z"]), 8);
    }

    [Fact]
    public void Categorical_SameShares_Zero()
    {
        var baseline = new FeatureBaseline("c", FeatureTypes.Categorical, 0.25, Frequencies: new Dictionary<string, double> { ["a"] = 2.0 / 3, ["b"] = 1.0 / 3 });

        Assert.Equal(0, PopulationStability.Categorical(baseline, ["a", "a", "b", ""]), 12);
    }

    [Fact]
    public void Numeric_CategoricalBaseline_Throws()
    {
        var baseline = new FeatureBaseline("c", FeatureTypes.Categorical, 0, Frequencies: new Dictionary<string, double> { ["a"] = 1 });

        Assert.Throws<ArgumentException>(() => PopulationStability.Numeric(baseline, [1f]));
    }

    [Theory]
    [InlineData(0.0, PsiReading.Stable)]
    [InlineData(0.099, PsiReading.Stable)]
    [InlineData(0.1, PsiReading.Moderate)]
    [InlineData(0.25, PsiReading.Moderate)]
    [InlineData(0.251, PsiReading.Significant)]
    public void Read_Value_ConventionalReading(double psi, PsiReading expected)
    {
        Assert.Equal(expected, PopulationStability.Read(psi));
    }
}
