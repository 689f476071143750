using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// The Population Stability Index: PSI = Σ (a − e)·ln(a / e) over buckets, with e the baseline share and a the live
/// share of each bucket. Missing values are a bucket of their own (share: the baseline's missing rate), so a jump in
/// the missing rate is a shift too.
/// </summary>
public static class PopulationStability
{
    /// <summary>
    /// The share an empty bucket is given (on either side) so the logarithm stays finite: a bucket the baseline never
    /// saw but the live data fills then adds a large, finite amount rather than infinity.
    /// </summary>
    public const double Epsilon = 1e-4;

    /// <summary>From here on a shift is moderate (the conventional reading).</summary>
    public const double ModerateThreshold = 0.1;

    /// <summary>Above this a shift is significant (the conventional reading).</summary>
    public const double SignificantThreshold = 0.25;

    /// <summary>The PSI of two share vectors over the same buckets; a share below <see cref="Epsilon"/> counts as <see cref="Epsilon"/>.</summary>
    /// <exception cref="ArgumentException">The two lists differ in length, or a share is negative or not finite.</exception>
    public static double Index(IReadOnlyList<double> expectedShares, IReadOnlyList<double> actualShares)
    {
        ArgumentNullException.ThrowIfNull(expectedShares);
        ArgumentNullException.ThrowIfNull(actualShares);
        if (expectedShares.Count != actualShares.Count)
        {
            throw new ArgumentException($"{expectedShares.Count} expected shares but {actualShares.Count} actual shares; they must be over the same buckets.", nameof(actualShares));
        }

        double psi = 0;
        for (int i = 0; i < expectedShares.Count; i++)
        {
            psi += Term(expectedShares[i], actualShares[i]);
        }

        return psi;
    }

    /// <summary>The PSI of live numeric values (NaN: missing) against a numeric baseline's quantile bins.</summary>
    /// <exception cref="ArgumentException">The baseline is not numeric, or its edges and shares do not fit together.</exception>
    public static double Numeric(FeatureBaseline baseline, IReadOnlyList<float> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return Of(FeatureBuckets.Numeric(baseline, live));
    }

    /// <summary>
    /// The PSI of live categories (empty: missing) against a categorical baseline's frequencies; categories the
    /// baseline does not name count as <see cref="BaselineStatistics.Other"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The baseline is not categorical.</exception>
    public static double Categorical(FeatureBaseline baseline, IReadOnlyList<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return Of(FeatureBuckets.Categorical(baseline, live));
    }

    /// <summary>The conventional reading of a PSI value.</summary>
    public static PsiReading Read(double psi) =>
        psi > SignificantThreshold ? PsiReading.Significant
        : psi >= ModerateThreshold ? PsiReading.Moderate
        : PsiReading.Stable;

    internal static double Of(IReadOnlyList<Bucket> buckets) => Index(buckets.Select(b => b.ExpectedShare).ToList(), ActualShares(buckets));

    internal static IReadOnlyList<double> ActualShares(IReadOnlyList<Bucket> buckets)
    {
        long total = buckets.Sum(b => b.Observed);
        return buckets.Select(b => total == 0 ? 0 : (double)b.Observed / total).ToList();
    }

    internal static double Term(double expected, double actual)
    {
        if (!double.IsFinite(expected) || !double.IsFinite(actual) || expected < 0 || actual < 0)
        {
            throw new ArgumentException($"Shares must be finite and not negative (got {expected} and {actual}).");
        }

        double e = Math.Max(expected, Epsilon);
        double a = Math.Max(actual, Epsilon);
        return (a - e) * Math.Log(a / e);
    }
}
