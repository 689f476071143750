using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Evaluation;

/// <summary>One protected group's share of the holdout and its metrics.</summary>
/// <param name="Rows">Rows in the group.</param>
/// <param name="PositiveRate">Binary: the share predicted positive (selection rate).</param>
/// <param name="TruePositiveRate">Binary: recall within the group; null when the group has no positive row.</param>
/// <param name="Metrics">The task's metrics within the group (those that are defined for it).</param>
public sealed record GroupMetrics(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("positiveRate")] double? PositiveRate,
    [property: JsonPropertyName("truePositiveRate")] double? TruePositiveRate,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);
