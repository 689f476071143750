namespace Serverless.Core.Monitoring.Statistics;

/// <summary>A Kolmogorov–Smirnov test's outcome.</summary>
/// <param name="Statistic">D: the largest distance between the two cumulative distributions (0 to 1).</param>
/// <param name="PValue">The asymptotic p-value: the probability of a D at least this large if both are the same distribution.</param>
/// <param name="EffectiveN">The sample size the p-value is for: n for one sample, n·m / (n + m) for two.</param>
public sealed record KolmogorovSmirnovResult(double Statistic, double PValue, double EffectiveN);
