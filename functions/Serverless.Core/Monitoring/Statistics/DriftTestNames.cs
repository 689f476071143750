namespace Serverless.Core.Monitoring.Statistics;

/// <summary>The names <see cref="DriftResult.Test"/> takes.</summary>
public static class DriftTestNames
{
    /// <summary>Population Stability Index over the baseline's bins or categories (and missing values).</summary>
    public const string Psi = "psi";

    /// <summary>Kolmogorov–Smirnov: two-sample against reference training values when the baseline has them, else one-sample against its piecewise-linear CDF.</summary>
    public const string KolmogorovSmirnov = "ks";

    /// <summary>Chi-square goodness of fit against the baseline's category shares.</summary>
    public const string ChiSquare = "chi-square";
}
