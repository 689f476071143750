using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class ChiSquareGoodnessOfFitTests
{
    [Fact]
    public void Test_CountsAgainstEqualExpected_MatchesHandComputation()
    {
        // (10 − 20)²/20 + 0 + (30 − 20)²/20 = 10 with 2 degrees of freedom; for 2 dof P(χ² > x) = e^(−x/2) = e^−5 = 0.006737947.
        var result = ChiSquareGoodnessOfFit.Test(["a", "b", "c"], [10, 20, 30], [20, 20, 20]);

        Assert.Equal(10, result.Statistic, 12);
        Assert.Equal(2, result.DegreesOfFreedom);
        Assert.Equal(0.006737947, result.PValue, 9);
        Assert.Equal("a", result.LargestContributor!.Name);
    }

    [Fact]
    public void Test_OneDegreeOfFreedom_MatchesNormalTail()
    {
        // (60 − 50)²/50 + (40 − 50)²/50 = 4 = 2², 1 dof: P(χ²₁ > 4) = P(|Z| > 2) = 0.045500264 (normal table).
        var result = ChiSquareGoodnessOfFit.Test(["yes", "no"], [60, 40], [50, 50]);

        Assert.Equal(4, result.Statistic, 12);
        Assert.Equal(1, result.DegreesOfFreedom);
        Assert.Equal(0.045500264, result.PValue, 9);
    }

    [Fact]
    public void Test_RareCategories_MergedIntoOther()
    {
        // c, d, e are expected fewer than 5 times: merged into __other__ (3 + 3 + 4 = 10 expected, 12 seen).
        // (38 − 40)²/40 + 0 + (12 − 10)²/10 = 0.1 + 0.4 = 0.5, 2 dof: p = e^−0.25 = 0.778800783.
        var result = ChiSquareGoodnessOfFit.Test(["a", "b", "c", "d", "e"], [38, 40, 6, 6, 0], [40, 40, 3, 3, 4]);

        Assert.Equal(["a", "b", BaselineStatistics.Other], result.Categories);
        Assert.Equal(0.5, result.Statistic, 12);
        Assert.Equal(0.778800783, result.PValue, 9);
    }

    [Fact]
    public void Test_MergedBucketStillRare_JoinsTheLeastExpectedCategory()
    {
        // d (4 expected) alone in __other__ is still under 5, so it joins c (6): c + d = 10 seen, 10 expected.
        // (45 − 50)²/50 + (45 − 40)²/40 + 0 = 0.5 + 0.625 = 1.125, 2 dof: p = e^−0.5625 = 0.569782825.
        var result = ChiSquareGoodnessOfFit.Test(["a", "b", "c", "d"], [45, 45, 5, 5], [50, 40, 6, 4]);

        Assert.Equal(["a", "b", "c"], result.Categories);
        Assert.Equal(1.125, result.Statistic, 12);
        Assert.Equal(0.569782825, result.PValue, 9);
    }

    [Fact]
    public void Test_ObservedEqualsExpected_PValueOne()
    {
        var result = ChiSquareGoodnessOfFit.Test(["a", "b", "c"], [50, 30, 20], [50, 30, 20]);

        Assert.Equal(0, result.Statistic, 12);
        Assert.Equal(1, result.PValue, 12);
    }

    [Fact]
    public void Test_OneCategoryLeft_NoTest()
    {
        var result = ChiSquareGoodnessOfFit.Test(["a", "b"], [10, 2], [10, 2]);

        Assert.Equal(0, result.DegreesOfFreedom);
        Assert.Equal(1, result.PValue);
        Assert.Null(result.LargestContributor);
    }

    [Fact]
    public void Test_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareGoodnessOfFit.Test(["a", "b"], [-1, 2], [10, 10]));
    }

    [Fact]
    public void Categorical_UnseenCategory_CountedAndMerged()
    {
        // Baseline a 0.5, b 0.3, c 0.2; live 100: a 30, b 30, c 20, z 20. z → __other__ (0 expected), missing 0/0;
        // both under 5, pooled (0 expected) and so joined to c (20 expected): c 40 seen vs 20.
        // (30 − 50)²/50 + 0 + (40 − 20)²/20 = 8 + 20 = 28, 2 dof: p = e^−14 = 8.315287e-7.
        var baseline = new FeatureBaseline("c", FeatureTypes.Categorical, 0, Frequencies: new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.3, ["c"] = 0.2 });
        string[] live = [.. Repeat("a", 30), .. Repeat("b", 30), .. Repeat("c", 20), .. Repeat("z", 20)];

        var result = ChiSquareGoodnessOfFit.Categorical(baseline, live);

        Assert.Equal(28, result.Statistic, 9);
        Assert.Equal(8.315287e-7, result.PValue, 12);
        Assert.Equal("c", result.LargestContributor!.Name);
    }

    private static IEnumerable<string> Repeat(string value, int count) => Enumerable.Repeat(value, count);
}
