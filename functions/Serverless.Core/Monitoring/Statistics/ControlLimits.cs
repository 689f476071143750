namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// A control chart's centre line and limits at <see cref="K"/> standard deviations of the plotted statistic on
/// either side (Shewhart).
/// </summary>
public sealed record ControlLimits
{
    /// <summary>The usual width: three sigma.</summary>
    public const double DefaultK = 3;

    /// <summary>The narrowest width allowed.</summary>
    public const double MinimumK = 1;

    /// <summary>The widest width allowed (six sigma).</summary>
    public const double MaximumK = 6;

    /// <summary>Limits at <paramref name="k"/> sigma around a centre line.</summary>
    /// <param name="centreLine">The statistic's expected value.</param>
    /// <param name="sigma">The standard deviation of the plotted statistic (per point, not per value).</param>
    /// <param name="k">The limits' distance from the centre line, in sigma: 1 to 6.</param>
    /// <exception cref="ArgumentOutOfRangeException">The centre line is not finite, sigma is negative or not finite, or k is outside 1 to 6.</exception>
    public ControlLimits(double centreLine, double sigma, double k = DefaultK)
    {
        if (!double.IsFinite(centreLine))
        {
            throw new ArgumentOutOfRangeException(nameof(centreLine), centreLine, "The centre line must be a finite number.");
        }

        if (!double.IsFinite(sigma) || sigma < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "Sigma must be a finite number, zero or more.");
        }

        if (!(k >= MinimumK && k <= MaximumK))
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k (the control limits' distance in sigma) must be from {MinimumK} to {MaximumK}.");
        }

        CentreLine = centreLine;
        Sigma = sigma;
        K = k;
    }

    /// <summary>The statistic's expected value.</summary>
    public double CentreLine { get; }

    /// <summary>The standard deviation of the plotted statistic.</summary>
    public double Sigma { get; }

    /// <summary>The limits' distance from the centre line, in sigma.</summary>
    public double K { get; }

    /// <summary>The upper control limit: centre + k·sigma.</summary>
    public double Upper => At(K);

    /// <summary>The lower control limit: centre − k·sigma.</summary>
    public double Lower => At(-K);

    /// <summary>The line at <paramref name="sigmas"/> sigma from the centre (negative: below).</summary>
    public double At(double sigmas) => CentreLine + (sigmas * Sigma);

    /// <summary>
    /// Limits for the mean of <paramref name="valuesPerPoint"/> values from a baseline with this mean and standard
    /// deviation: sigma = standardDeviation / √valuesPerPoint.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">As the constructor, or valuesPerPoint is less than 1.</exception>
    public static ControlLimits FromMean(double mean, double standardDeviation, double k = DefaultK, int valuesPerPoint = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerPoint, 1);
        return new ControlLimits(mean, standardDeviation / Math.Sqrt(valuesPerPoint), k);
    }

    /// <summary>Limits for a proportion (p chart) over windows of <paramref name="n"/> values: sigma = √(p(1 − p)/n).</summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside 0 to 1, n is less than 1, or k is outside 1 to 6.</exception>
    public static ControlLimits FromProportion(double p, int n, double k = DefaultK)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A proportion must be from 0 to 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new ControlLimits(p, Math.Sqrt(p * (1 - p) / n), k);
    }
}
