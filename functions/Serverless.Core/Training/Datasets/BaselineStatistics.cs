using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Datasets;

/// <summary>Each feature's distribution in a training table: the baseline monitoring compares live inputs against.</summary>
public static class BaselineStatistics
{
    /// <summary>Quantile bins per numeric feature.</summary>
    public const int Bins = 10;

    /// <summary>Categories kept by name per categorical feature; the rest are counted together.</summary>
    public const int TopCategories = 50;

    /// <summary>The name under which the categories beyond <see cref="TopCategories"/> are counted.</summary>
    public const string Other = "__other__";

    /// <summary>
    /// Numeric features: the mean, population standard deviation and missing rate, and <see cref="Bins"/> quantile
    /// bins of the present values (inner edges deduplicated, so a feature with few values has fewer bins). Categorical
    /// features: the missing rate and the share of each of the <see cref="TopCategories"/> most frequent present
    /// values, the rest together as <see cref="Other"/>. Shares are of the present values and sum to 1.
    /// </summary>
    public static IReadOnlyList<FeatureBaseline> Compute(TrainingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Numeric.Select(Numeric).Concat(table.Categorical.Select(Categorical)).ToList();
    }

    /// <summary>One numeric column's baseline, as <see cref="Compute"/> gives it.</summary>
    public static FeatureBaseline Numeric(NumericColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        double[] present = column.Values.Where(v => !float.IsNaN(v)).Select(v => (double)v).Order().ToArray();
        double missingRate = Rate(column.Values.Length - present.Length, column.Values.Length);
        if (present.Length == 0)
        {
            return new FeatureBaseline(column.Name, FeatureTypes.Numeric, missingRate, null, null, [], [], null);
        }

        double mean = present.Average();
        double std = Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / present.Length);
        var edges = new List<double>();
        for (int i = 1; i < Bins; i++)
        {
            // The value at the quantile (nearest rank below): an edge is always a value the data holds.
            double edge = present[(int)Math.Floor((double)i * (present.Length - 1) / Bins)];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        // The largest value is no inner edge: nothing would fall above it.
        if (edges.Count > 0 && edges[^1] >= present[^1])
        {
            edges.RemoveAt(edges.Count - 1);
        }

        var counts = new int[edges.Count + 1];
        foreach (double value in present)
        {
            int bin = edges.BinarySearch(value);
            counts[bin >= 0 ? bin : ~bin]++;
        }

        return new FeatureBaseline(column.Name, FeatureTypes.Numeric, missingRate, mean, std, edges, counts.Select(c => Rate(c, present.Length)).ToList(), null);
    }

    /// <summary>One categorical column's baseline, as <see cref="Compute"/> gives it.</summary>
    public static FeatureBaseline Categorical(CategoricalColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var counts = column.Values.Where(v => v.Length > 0).CountBy(v => v, StringComparer.Ordinal)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        int present = counts.Sum(c => c.Value);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (category, count) in counts.Take(TopCategories))
        {
            shares[category] = Rate(count, present);
        }

        if (counts.Count > TopCategories)
        {
            shares[Other] = Rate(counts.Skip(TopCategories).Sum(c => c.Value), present);
        }

        return new FeatureBaseline(column.Name, FeatureTypes.Categorical, Rate(column.Values.Length - present, column.Values.Length), Frequencies: shares);
    }

    private static double Rate(int count, int total) => total == 0 ? 0 : (double)count / total;
}
