namespace Serverless.Core.Monitoring.Statistics;

/// <summary>A chi-square goodness-of-fit test's outcome.</summary>
/// <param name="Statistic">Σ (observed − expected)² / expected over the categories tested.</param>
/// <param name="DegreesOfFreedom">Categories tested (after merging) less one; 0 when fewer than two remain, and then the test says nothing (p = 1).</param>
/// <param name="PValue">The probability of a statistic at least this large if the live data follow the expected shares.</param>
/// <param name="Categories">The categories tested, after merging the rare ones.</param>
/// <param name="LargestContributor">The category adding most to the statistic, with its observed and expected counts; null when nothing was tested.</param>
public sealed record ChiSquareResult(
    double Statistic,
    int DegreesOfFreedom,
    double PValue,
    IReadOnlyList<string> Categories,
    ChiSquareCategory? LargestContributor);
