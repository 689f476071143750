using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>A numeric baseline's CDF, piecewise-linear through knots (see <see cref="KolmogorovSmirnov.AgainstBaseline"/>).</summary>
internal sealed class BaselineCdf
{
    private readonly double[] knotX;
    private readonly double[] knotF;

    private BaselineCdf(double[] edges, double[] knotX, double[] knotF)
    {
        Edges = edges;
        this.knotX = knotX;
        this.knotF = knotF;
    }

    public IReadOnlyList<double> Edges { get; }

    public static BaselineCdf From(FeatureBaseline baseline)
    {
        double[] edges = FeatureBuckets.NumericEdges(baseline, out IReadOnlyList<double> shares);
        double total = shares.Sum();
        if (!(total > 0))
        {
            throw new ArgumentException($"The baseline of '{baseline.Name}' has no present values to compare against.", nameof(baseline));
        }

        int k = edges.Length;
        if (k == 0)
        {
            // One bin: every training value was the same, which the mean then is.
            double at = baseline.Mean ?? 0;
            return new BaselineCdf(edges, [at, at], [0, 1]);
        }

        var cumulative = new double[k];
        double running = 0;
        for (int i = 0; i < k; i++)
        {
            running += shares[i] / total;
            cumulative[i] = running;
        }

        double fallback = baseline.StandardDeviation ?? 0;
        double lowWidth = k >= 2 ? SameDensityWidth(shares[0], shares[1], edges[1] - edges[0]) : fallback;
        double highWidth = k >= 2 ? SameDensityWidth(shares[k], shares[k - 1], edges[k - 1] - edges[k - 2]) : fallback;
        double[] x = [edges[0] - lowWidth, .. edges, edges[k - 1] + highWidth];
        double[] f = [0, .. cumulative, 1];
        return new BaselineCdf(edges, x, f);
    }

    /// <summary>F(v), right-continuous: 0 below the first knot, 1 from the last.</summary>
    public double At(double value)
    {
        if (value < knotX[0])
        {
            return 0;
        }

        if (value >= knotX[^1])
        {
            return 1;
        }

        // The last knot at or below the value; knots share an x only where a bin has no width.
        int index = Array.BinarySearch(knotX, value);
        if (index >= 0)
        {
            while (index + 1 < knotX.Length && knotX[index + 1] == value)
            {
                index++;
            }

            return knotF[index];
        }

        int upper = ~index;
        int lower = upper - 1;
        double t = (value - knotX[lower]) / (knotX[upper] - knotX[lower]);
        return knotF[lower] + (t * (knotF[upper] - knotF[lower]));
    }

    private static double SameDensityWidth(double share, double neighbourShare, double neighbourWidth) =>
        neighbourShare > 0 ? share / neighbourShare * neighbourWidth : neighbourWidth;
}
