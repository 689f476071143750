using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// A numeric baseline's CDF where the quantile bins pin it down: the cumulative bin shares at the inner edges,
/// linear in between (see <see cref="KolmogorovSmirnov.AgainstBaseline"/>).
/// </summary>
internal sealed class BaselineCdf
{
    private readonly double[] cumulative;

    private BaselineCdf(double[] edges, double[] cumulative)
    {
        Edges = edges;
        this.cumulative = cumulative;
    }

    /// <summary>The inner edges, ascending; the CDF is known from the first to the last.</summary>
    public double[] Edges { get; }

    /// <exception cref="ArgumentException">The baseline is not numeric, its edges and shares do not fit, or it has no present values.</exception>
    public static BaselineCdf From(FeatureBaseline baseline)
    {
        double[] edges = FeatureBuckets.NumericEdges(baseline, out IReadOnlyList<double> shares);
        double total = shares.Sum();
        if (!(total > 0))
        {
            throw new ArgumentException($"The baseline of '{baseline.Name}' has no present values to compare against.", nameof(baseline));
        }

        var cumulative = new double[edges.Length];
        double running = 0;
        for (int i = 0; i < edges.Length; i++)
        {
            running += shares[i] / total;
            cumulative[i] = running;
        }

        return new BaselineCdf(edges, cumulative);
    }

    /// <summary>F(v) for v from the first edge to the last.</summary>
    public double At(double value)
    {
        int index = Array.BinarySearch(Edges, value);
        if (index >= 0)
        {
            return cumulative[index];
        }

        int upper = ~index;
        int lower = upper - 1;
        double t = (value - Edges[lower]) / (Edges[upper] - Edges[lower]);
        return cumulative[lower] + (t * (cumulative[upper] - cumulative[lower]));
    }
}
