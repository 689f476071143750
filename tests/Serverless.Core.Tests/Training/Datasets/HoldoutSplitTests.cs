using Serverless.Core.Training;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Tests.Training.Datasets;

public sealed class HoldoutSplitTests
{
    /// <summary>1000 rows, row i has feature value i; a quarter of them positive.</summary>
    private static TrainingTable Binary(int rows = 1000) => new(
        [new NumericColumn("i", [.. Enumerable.Range(0, rows).Select(i => (float)i)])],
        [],
        [.. Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? 1f : 0f)],
        ["no", "yes"],
        [new CategoricalColumn("g", [.. Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? "a" : "b")])]);

    private static float[] Ids(TrainingTable table) => table.Numeric[0].Values;

    [Fact]
    public void Split_SameSeed_SameRowsEveryTime()
    {
        var (train1, holdout1) = HoldoutSplit.Split(Binary(), 0.2, 42);
        var (train2, holdout2) = HoldoutSplit.Split(Binary(), 0.2, 42);

        Assert.Equal(Ids(holdout1), Ids(holdout2));
        Assert.Equal(Ids(train1), Ids(train2));
    }

    [Fact]
    public void Split_Seed42_PinnedRows()
    {
        // Pins the algorithm: the same seed must give the same split on every machine and in every later build.
        var (_, holdout) = HoldoutSplit.Split(Binary(20), 0.25, 42);

        Assert.Equal(5, holdout.RowCount);
        Assert.Equal([1f, 5f, 7f, 8f, 13f], Ids(holdout));
    }

    [Fact]
    public void Split_OtherSeed_OtherRows()
    {
        Assert.NotEqual(Ids(HoldoutSplit.Split(Binary(), 0.2, 1).Holdout), Ids(HoldoutSplit.Split(Binary(), 0.2, 2).Holdout));
    }

    [Fact]
    public void Split_Classification_StratifiedByLabelAndDisjoint()
    {
        var (train, holdout) = HoldoutSplit.Split(Binary(), 0.2, 7);

        Assert.Equal(200, holdout.RowCount);
        Assert.Equal(800, train.RowCount);
        Assert.Equal(50, holdout.Label.Count(l => l == 1));
        Assert.Equal(200, train.Label.Count(l => l == 1));
        Assert.Empty(Ids(train).Intersect(Ids(holdout)));
        Assert.Equal(Ids(holdout).Order(), Ids(holdout));
        Assert.All(Enumerable.Range(0, holdout.RowCount), r => Assert.Equal(Ids(holdout)[r] % 2 == 0 ? "a" : "b", holdout.Groups[0].Values[r]));
    }

    [Fact]
    public void Split_Regression_HoldsOutTheFraction()
    {
        var table = Binary() with { Classes = [] };

        var (train, holdout) = HoldoutSplit.Split(table, 0.5, 3);

        Assert.Equal((500, 500), (train.RowCount, holdout.RowCount));
    }

    [Fact]
    public void Split_OneRow_Throws()
    {
        Assert.Throws<TrainingDataException>(() => HoldoutSplit.Split(Binary(1), 0.2, 42));
    }
}
