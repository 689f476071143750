namespace Serverless.Core.Monitoring.Statistics;

/// <summary>One category of a chi-square test.</summary>
/// <param name="Name">The category (<c>__other__</c> for the merged rare ones, <c>__missing__</c> for missing values).</param>
/// <param name="Observed">How many live values it has.</param>
/// <param name="Expected">How many the baseline shares predict.</param>
public sealed record ChiSquareCategory(string Name, long Observed, double Expected);
