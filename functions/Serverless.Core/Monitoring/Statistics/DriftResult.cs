using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>One drift test of one feature.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Test">Which test (<see cref="DriftTestNames"/>).</param>
/// <param name="Statistic">The test's statistic (PSI, KS D, chi-square); null when it was not computed (not enough data).</param>
/// <param name="PValue">The p-value for KS and chi-square; null for PSI and when not computed.</param>
/// <param name="Threshold">What the statistic (PSI) or p-value (KS, chi-square) was held against.</param>
/// <param name="Drifted">Whether this test flags the feature: PSI above the threshold, or p below it.</param>
/// <param name="Evidence">What was seen, in a sentence.</param>
/// <param name="SampleSize">How many live values the test used.</param>
public sealed record DriftResult(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("test")] string Test,
    [property: JsonPropertyName("statistic")] double? Statistic,
    [property: JsonPropertyName("pValue")] double? PValue,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("drifted")] bool Drifted,
    [property: JsonPropertyName("evidence")] string Evidence,
    [property: JsonPropertyName("sampleSize")] int SampleSize);
