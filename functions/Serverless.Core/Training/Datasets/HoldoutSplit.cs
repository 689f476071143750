namespace Serverless.Core.Training.Datasets;

/// <summary>
/// Splits a table into training and holdout rows, the same way on every machine for the same input and seed
/// (<see cref="Random(int)"/> with a seed is a fixed algorithm in .NET), stratified by class for classification.
/// </summary>
public static class HoldoutSplit
{
    /// <summary>
    /// Holds out <paramref name="fraction"/> of the rows (of each class, for classification: a table with
    /// <see cref="TrainingTable.Classes"/>); both parts keep the table's row order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not between 0 and 1.</exception>
    /// <exception cref="TrainingDataException">The table has too few rows for both parts to have one.</exception>
    public static (TrainingTable Train, TrainingTable Holdout) Split(TrainingTable table, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The holdout fraction is more than 0 and less than 1.");
        }

        var random = new Random(seed);
        var strata = table.Classes.Count > 0
            ? Enumerable.Range(0, table.RowCount).GroupBy(i => table.Label[i]).OrderBy(g => g.Key).Select(g => g.ToArray())
            : [Enumerable.Range(0, table.RowCount).ToArray()];
        var holdout = new List<int>();
        foreach (int[] rows in strata)
        {
            Shuffle(rows, random);
            holdout.AddRange(rows.Take((int)Math.Round(rows.Length * fraction, MidpointRounding.AwayFromZero)));
        }

        var held = holdout.ToHashSet();
        var train = Enumerable.Range(0, table.RowCount).Where(i => !held.Contains(i)).ToList();
        if (train.Count == 0 || holdout.Count == 0)
        {
            throw new TrainingDataException($"{table.RowCount} row(s) are too few to hold out {fraction:0.##} of them for evaluation and train on the rest.");
        }

        holdout.Sort();
        return (table.Select(train), table.Select(holdout));
    }

    // Fisher-Yates with the seeded generator: the order depends on the seed alone.
    private static void Shuffle(int[] rows, Random random)
    {
        for (int i = rows.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
    }
}
