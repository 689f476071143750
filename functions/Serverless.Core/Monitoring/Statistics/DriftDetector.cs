using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// The drift tests of one feature's live values against its training baseline: PSI and the one-sample KS test
/// (against the baseline's quantile bins) for numeric features, PSI and chi-square for categorical ones.
/// </summary>
public static class DriftDetector
{
    /// <summary>
    /// PSI and KS of live numeric values (NaN: missing) against a numeric baseline: the two-sample KS test against
    /// <paramref name="reference"/> (training values) when given, else the one-sample test against the baseline's bins.
    /// </summary>
    /// <exception cref="ArgumentException">The baseline is not numeric, or its edges and shares do not fit together.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IReadOnlyList<DriftResult> Evaluate(FeatureBaseline baseline, IReadOnlyList<float> live, DriftOptions? options = null, IReadOnlyList<double>? reference = null)
    {
        ArgumentNullException.ThrowIfNull(live);
        options = Checked(options);
        var buckets = FeatureBuckets.Numeric(baseline, live);
        double[] present = live.Where(v => !float.IsNaN(v)).Select(v => (double)v).ToArray();
        DriftResult psi = Psi(baseline.Name, buckets, live.Count, options);
        if (!(baseline.BinShares?.Sum() > 0))
        {
            return [psi, NotTested(baseline.Name, DriftTestNames.KolmogorovSmirnov, options.PValueThreshold, "not tested: the feature was always missing in training", present.Length)];
        }

        DriftResult ks;
        if (present.Length < options.MinimumSampleSize)
        {
            ks = NotEnough(baseline.Name, DriftTestNames.KolmogorovSmirnov, options.PValueThreshold, present.Length, options, "present values");
        }
        else
        {
            bool twoSample = reference is { Count: > 0 };
            var result = twoSample ? KolmogorovSmirnov.TwoSample(reference!, present) : KolmogorovSmirnov.AgainstBaseline(baseline, present);
            bool drifted = result.PValue < options.PValueThreshold;
            string against = twoSample ? $"two-sample KS D = {EvidenceText.Number(result.Statistic)} against {reference!.Count} training values" : $"KS D = {EvidenceText.Number(result.Statistic)} against the training distribution";
            ks = new DriftResult(baseline.Name, DriftTestNames.KolmogorovSmirnov, result.Statistic, result.PValue, options.PValueThreshold, drifted,
                $"{against}, p = {EvidenceText.Number(result.PValue)} over {present.Length} present values ({(drifted ? "below" : "not below")} {EvidenceText.Number(options.PValueThreshold)})",
                present.Length);
        }

        return [psi, ks];
    }

    /// <summary>PSI and chi-square of live categories (empty: missing) against a categorical baseline.</summary>
    /// <exception cref="ArgumentException">The baseline is not categorical.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IReadOnlyList<DriftResult> Evaluate(FeatureBaseline baseline, IReadOnlyList<string> live, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(live);
        options = Checked(options);
        var buckets = FeatureBuckets.Categorical(baseline, live);
        DriftResult chi;
        if (live.Count < options.MinimumSampleSize)
        {
            chi = NotEnough(baseline.Name, DriftTestNames.ChiSquare, options.PValueThreshold, live.Count, options, "values");
        }
        else
        {
            var result = ChiSquareGoodnessOfFit.Categorical(baseline, live);
            bool drifted = result.DegreesOfFreedom > 0 && result.PValue < options.PValueThreshold;
            string most = result.LargestContributor is { } c
                ? $"; furthest off: '{c.Name}' seen {c.Observed} times, {EvidenceText.Number(c.Expected)} expected"
                : "; fewer than two categories to compare";
            chi = new DriftResult(baseline.Name, DriftTestNames.ChiSquare, result.Statistic, result.PValue, options.PValueThreshold, drifted,
                $"chi-square {EvidenceText.Number(result.Statistic)} with {result.DegreesOfFreedom} degrees of freedom, p = {EvidenceText.Number(result.PValue)} over {live.Count} values ({(drifted ? "below" : "not below")} {EvidenceText.Number(options.PValueThreshold)}){most}",
                live.Count);
        }

        return [Psi(baseline.Name, buckets, live.Count, options, categorical: true), chi];
    }

    private static DriftResult Psi(string feature, IReadOnlyList<Bucket> buckets, int count, DriftOptions options, bool categorical = false)
    {
        if (count < options.MinimumSampleSize)
        {
            return NotEnough(feature, DriftTestNames.Psi, options.PsiThreshold, count, options, "values");
        }

        var actual = PopulationStability.ActualShares(buckets);
        double psi = PopulationStability.Of(buckets);
        int largest = Enumerable.Range(0, buckets.Count).MaxBy(i => PopulationStability.Term(buckets[i].ExpectedShare, actual[i]));
        bool drifted = psi > options.PsiThreshold;
        string reading = PopulationStability.Read(psi).ToString().ToLowerInvariant();
        return new DriftResult(feature, DriftTestNames.Psi, psi, null, options.PsiThreshold, drifted,
            $"PSI {EvidenceText.Number(psi)} ({reading}; {(drifted ? "above" : "not above")} {EvidenceText.Number(options.PsiThreshold)}) over {count} values; largest change: {Describe(buckets[largest].Label, categorical)} {EvidenceText.Percent(actual[largest])} live vs {EvidenceText.Percent(buckets[largest].ExpectedShare)} in training",
            count);
    }

    private static string Describe(string bucket, bool categorical) =>
        bucket == FeatureBuckets.Missing ? "missing values" : categorical ? $"'{bucket}'" : bucket;

    private static DriftResult NotEnough(string feature, string test, double threshold, int count, DriftOptions options, string what) =>
        NotTested(feature, test, threshold, $"not enough data: {count} {what}, {options.MinimumSampleSize} needed", count);

    private static DriftResult NotTested(string feature, string test, double threshold, string why, int count) =>
        new(feature, test, null, null, threshold, false, why, count);

    private static DriftOptions Checked(DriftOptions? options)
    {
        options ??= DriftOptions.Default;
        options.Validate();
        return options;
    }
}
