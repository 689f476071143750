using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// Kolmogorov–Smirnov tests. P-values are asymptotic: Q_KS((√Ne + 0.12 + 0.11/√Ne)·D), with Q_KS the survival
/// function of the Kolmogorov distribution and Ne the effective sample size (Stephens' correction, as in Numerical
/// Recipes §14.3); good from Ne of about 4 on, conservative for discrete data.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>The two-sample test: is <paramref name="live"/> drawn from the distribution <paramref name="baseline"/> was?</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN.</exception>
    public static KolmogorovSmirnovResult TwoSample(IReadOnlyList<double> baseline, IReadOnlyList<double> live)
    {
        double[] a = Sorted(baseline, nameof(baseline));
        double[] b = Sorted(live, nameof(live));
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            // Step past every value equal to the smaller one in both samples, so ties move both distributions at once.
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] == x)
            {
                i++;
            }

            while (j < b.Length && b[j] == x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        double effectiveN = (double)a.Length * b.Length / (a.Length + b.Length);
        return new KolmogorovSmirnovResult(d, PValue(d, effectiveN), effectiveN);
    }

    /// <summary>
    /// The one-sample test of present live values against a numeric baseline stored as quantile bins. The bins pin
    /// the baseline's CDF down only at the inner edges (the cumulative bin shares); between edges it is taken as
    /// linear (close for quantile bins of a smooth distribution). The two outer bins' far ends are not stored, so
    /// there D is only taken at the edges: a lower bound that still sees a change in the tails' mass but not in
    /// their shape. D is taken after each step (right limits), so a value the training data held many times (an
    /// edge with a point mass, such as 0) is not mistaken for a gap; for continuous data this under-states D by at
    /// most 1/n. With no edge (every training value was the mean), D is the share of live values elsewhere. The
    /// baseline is treated as exact, which holds when it came from many more rows than the live sample has.
    /// </summary>
    /// <exception cref="ArgumentException">The baseline is not numeric or has no present values; the sample is empty or holds NaN.</exception>
    public static KolmogorovSmirnovResult AgainstBaseline(FeatureBaseline baseline, IReadOnlyList<double> live)
    {
        double[] x = Sorted(live, nameof(live));
        var cdf = BaselineCdf.From(baseline);
        double[] edges = cdf.Edges;
        double d = 0;
        if (edges.Length == 0)
        {
            double at = baseline.Mean ?? throw new ArgumentException($"The baseline of '{baseline.Name}' has one bin but no mean.", nameof(baseline));
            double tolerance = 1e-9 * Math.Max(1, Math.Abs(at));
            d = (double)x.Count(v => Math.Abs(v - at) > tolerance) / x.Length;
            return new KolmogorovSmirnovResult(d, PValue(d, x.Length), x.Length);
        }

        int below = 0;
        foreach (double edge in edges)
        {
            while (below < x.Length && x[below] <= edge)
            {
                below++;
            }

            d = Math.Max(d, Math.Abs(((double)below / x.Length) - cdf.At(edge)));
        }

        for (int i = 0; i < x.Length; i++)
        {
            bool lastOfTies = i + 1 == x.Length || x[i + 1] != x[i];
            if (lastOfTies && x[i] > edges[0] && x[i] < edges[^1])
            {
                d = Math.Max(d, Math.Abs(((double)(i + 1) / x.Length) - cdf.At(x[i])));
            }
        }

        return new KolmogorovSmirnovResult(d, PValue(d, x.Length), x.Length);
    }

    /// <summary>The asymptotic p-value of a statistic D at effective sample size Ne.</summary>
    public static double PValue(double statistic, double effectiveN)
    {
        double root = Math.Sqrt(effectiveN);
        return KolmogorovSurvival((root + 0.12 + (0.11 / root)) * statistic);
    }

    /// <summary>
    /// Q_KS(λ) = P(K &gt; λ) = 2 Σ (−1)^(j−1) exp(−2j²λ²); below λ = 1.18, where that series converges slowly, one
    /// minus the dual series √(2π)/λ Σ exp(−(2j−1)²π²/(8λ²)).
    /// </summary>
    internal static double KolmogorovSurvival(double lambda)
    {
        if (lambda <= 0)
        {
            return 1;
        }

        if (lambda < 1.18)
        {
            double y = Math.Exp(-Math.PI * Math.PI / (8 * lambda * lambda));
            double sum = 0;
            for (int j = 1; j <= 20; j++)
            {
                int odd = (2 * j) - 1;
                double term = Math.Pow(y, odd * odd);
                sum += term;
                if (term < 1e-17 * sum)
                {
                    break;
                }
            }

            return Math.Clamp(1 - (Math.Sqrt(2 * Math.PI) / lambda * sum), 0, 1);
        }

        double q = 0;
        for (int j = 1; j <= 100; j++)
        {
            double term = Math.Exp(-2.0 * j * j * lambda * lambda);
            q += j % 2 == 1 ? term : -term;
            if (term < 1e-17)
            {
                break;
            }
        }

        return Math.Clamp(2 * q, 0, 1);
    }

    private static double[] Sorted(IReadOnlyList<double> sample, string name)
    {
        ArgumentNullException.ThrowIfNull(sample, name);
        if (sample.Count == 0)
        {
            throw new ArgumentException("The sample is empty.", name);
        }

        double[] sorted = [.. sample];
        if (sorted.Any(double.IsNaN))
        {
            throw new ArgumentException("The sample holds NaN; leave missing values out.", name);
        }

        Array.Sort(sorted);
        return sorted;
    }
}
