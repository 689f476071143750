using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Tests.Training.Datasets;

public sealed class BaselineStatisticsTests
{
    private static TrainingTable Table(float[] numbers, string[] categories) =>
        new([new NumericColumn("n", numbers)], [new CategoricalColumn("c", categories)], new float[numbers.Length], [], []);

    [Fact]
    public void Compute_NumericFeature_TenQuantileBinsThatSumToOne()
    {
        float[] numbers = [.. Enumerable.Range(1, 100).Select(i => (float)i), float.NaN, float.NaN];

        var numeric = BaselineStatistics.Compute(Table(numbers, [.. Enumerable.Repeat("a", 102)])).Single(b => b.Name == "n");

        Assert.Equal("numeric", numeric.Type);
        Assert.Equal(9, numeric.BinEdges!.Count);
        Assert.Equal([10d, 20, 30, 40, 50, 60, 70, 80, 90], numeric.BinEdges);
        Assert.All(numeric.BinShares!, s => Assert.Equal(0.1, s, 9));
        Assert.Equal(1, numeric.BinShares!.Sum(), 9);
        Assert.Equal(50.5, numeric.Mean!.Value, 9);
        Assert.Equal(Math.Sqrt((100 * 100 - 1) / 12d), numeric.StandardDeviation!.Value, 6);
        Assert.Equal(2d / 102, numeric.MissingRate, 9);
    }

    [Fact]
    public void Compute_FewDistinctNumbers_DeduplicatesEdges()
    {
        float[] numbers = [.. Enumerable.Repeat(0f, 70), .. Enumerable.Repeat(1f, 30)];

        var numeric = BaselineStatistics.Compute(Table(numbers, [.. Enumerable.Repeat("a", 100)]))[0];

        Assert.Equal([0d], numeric.BinEdges);
        Assert.Equal([0.7, 0.3], numeric.BinShares!.Select(s => Math.Round(s, 9)));
    }

    [Fact]
    public void Compute_ConstantNumber_OneBin()
    {
        var numeric = BaselineStatistics.Compute(Table([5, 5, 5], ["a", "a", "a"]))[0];

        Assert.Empty(numeric.BinEdges!);
        Assert.Equal([1d], numeric.BinShares);
        Assert.Equal(0, numeric.StandardDeviation);
    }

    [Fact]
    public void Compute_ManyCategories_KeepsTheTopFiftyAndSumsTheRestAsOther()
    {
        // Category k appears k+1 times: 60 categories, the 10 rarest go to __other__.
        string[] categories = [.. Enumerable.Range(0, 60).SelectMany(k => Enumerable.Repeat($"k{k}", k + 1)), "", ""];
        float[] numbers = new float[categories.Length];

        var categorical = BaselineStatistics.Compute(Table(numbers, categories)).Single(b => b.Name == "c");

        int present = Enumerable.Range(1, 60).Sum();
        Assert.Equal(51, categorical.Frequencies!.Count);
        Assert.Equal("k59", categorical.Frequencies.First().Key);
        Assert.Equal(Enumerable.Range(1, 10).Sum() / (double)present, categorical.Frequencies["__other__"], 9);
        Assert.Equal(1, categorical.Frequencies.Values.Sum(), 9);
        Assert.Equal(2d / categories.Length, categorical.MissingRate, 9);
        Assert.Null(categorical.BinEdges);
    }
}
