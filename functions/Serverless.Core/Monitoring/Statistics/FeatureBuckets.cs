using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// Live values sorted into the baseline's buckets. Missing values are a bucket of their own (share: the baseline's
/// missing rate), so a jump in the missing rate counts as drift; bin and category shares are scaled by the present
/// rate so all expected shares sum to 1.
/// </summary>
internal static class FeatureBuckets
{
    /// <summary>The bucket of missing values (NaN, or an empty string).</summary>
    public const string Missing = "__missing__";

    public static IReadOnlyList<Bucket> Numeric(FeatureBaseline baseline, IReadOnlyList<float> live)
    {
        double[] edges = NumericEdges(baseline, out IReadOnlyList<double> shares);

        // A baseline without present values (the feature was always missing in training) still has a bucket for
        // present values: expected share 0, so live values there count as a shift.
        if (shares.Count == 0)
        {
            shares = [0.0];
        }

        var counts = new long[shares.Count];
        long missing = 0;
        foreach (float value in live)
        {
            if (float.IsNaN(value))
            {
                missing++;
                continue;
            }

            counts[Bin(edges, value)]++;
        }

        double present = 1 - baseline.MissingRate;
        var buckets = new List<Bucket>(shares.Count + 1);
        for (int i = 0; i < shares.Count; i++)
        {
            buckets.Add(new Bucket(BinLabel(edges, i), shares[i] * present, counts[i]));
        }

        buckets.Add(new Bucket(Missing, baseline.MissingRate, missing));
        return buckets;
    }

    public static IReadOnlyList<Bucket> Categorical(FeatureBaseline baseline, IReadOnlyList<string> live)
    {
        RequireType(baseline, FeatureTypes.Categorical);
        var frequencies = baseline.Frequencies ?? new Dictionary<string, double>();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        foreach (string? value in live)
        {
            if (string.IsNullOrEmpty(value))
            {
                missing++;
                continue;
            }

            string key = frequencies.ContainsKey(value) ? value : BaselineStatistics.Other;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        double present = 1 - baseline.MissingRate;
        var buckets = frequencies.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new Bucket(f.Key, f.Value * present, counts.GetValueOrDefault(f.Key)))
            .ToList();

        // Categories the training data never held (or held too rarely to be named) go here.
        if (!frequencies.ContainsKey(BaselineStatistics.Other))
        {
            buckets.Add(new Bucket(BaselineStatistics.Other, 0, counts.GetValueOrDefault(BaselineStatistics.Other)));
        }

        buckets.Add(new Bucket(Missing, baseline.MissingRate, missing));
        return buckets;
    }

    /// <summary>The inner edges as an array, checked against the shares (one more share than edges).</summary>
    public static double[] NumericEdges(FeatureBaseline baseline, out IReadOnlyList<double> shares)
    {
        RequireType(baseline, FeatureTypes.Numeric);
        double[] edges = baseline.BinEdges?.ToArray() ?? [];
        shares = baseline.BinShares ?? [];
        if (shares.Count != edges.Length + 1 && !(shares.Count == 0 && edges.Length == 0))
        {
            throw new ArgumentException($"The baseline of '{baseline.Name}' has {edges.Length} bin edges and {shares.Count} bin shares; it needs one share more than edges (or neither, when the feature was always missing).", nameof(baseline));
        }

        return edges;
    }

    /// <summary>Bin i holds edge[i-1] &lt; v &lt;= edge[i], as <see cref="BaselineStatistics"/> counts them.</summary>
    private static int Bin(double[] edges, double value)
    {
        int index = Array.BinarySearch(edges, value);
        return index >= 0 ? index : ~index;
    }

    private static string BinLabel(double[] edges, int bin) =>
        edges.Length == 0 ? "present values"
        : bin == 0 ? $"values <= {EvidenceText.Number(edges[0])}"
        : bin == edges.Length ? $"values > {EvidenceText.Number(edges[^1])}"
        : $"values in ({EvidenceText.Number(edges[bin - 1])}, {EvidenceText.Number(edges[bin])}]";

    private static void RequireType(FeatureBaseline baseline, string type)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (!string.Equals(baseline.Type, type, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The baseline of '{baseline.Name}' is {baseline.Type}, not {type}.", nameof(baseline));
        }
    }
}
