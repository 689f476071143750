namespace Serverless.Core.Training.Datasets;

/// <summary>
/// A dataset read through a spec, in memory, column by column: the features as the model takes them, the label as a
/// number, and the protected attributes' groups. Rows whose values the spec says to drop are already gone.
/// </summary>
/// <param name="Numeric">Numeric features, NaN where missing (replaced inside the model).</param>
/// <param name="Categorical">Categorical features; a missing value is the empty string, a category of its own.</param>
/// <param name="Label">Binary: 1 positive, 0 negative. Multiclass: the index into <paramref name="Classes"/>. Regression: the value.</param>
/// <param name="Classes">Binary: the negative and positive class's names ("negative" collects every non-positive value). Multiclass: the classes in ordinal order. Regression: empty.</param>
/// <param name="Groups">Each protected attribute's group per row (missing: the empty string).</param>
public sealed record TrainingTable(
    IReadOnlyList<NumericColumn> Numeric,
    IReadOnlyList<CategoricalColumn> Categorical,
    float[] Label,
    IReadOnlyList<string> Classes,
    IReadOnlyList<CategoricalColumn> Groups)
{
    /// <summary>How many rows.</summary>
    public int RowCount => Label.Length;

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public TrainingTable Select(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new TrainingTable(
            Numeric.Select(c => new NumericColumn(c.Name, Pick(c.Values, rows))).ToList(),
            Categorical.Select(c => new CategoricalColumn(c.Name, Pick(c.Values, rows))).ToList(),
            Pick(Label, rows),
            Classes,
            Groups.Select(c => new CategoricalColumn(c.Name, Pick(c.Values, rows))).ToList());
    }

    private static T[] Pick<T>(T[] values, IReadOnlyList<int> rows)
    {
        var picked = new T[rows.Count];
        for (int i = 0; i < picked.Length; i++)
        {
            picked[i] = values[rows[i]];
        }

        return picked;
    }
}
