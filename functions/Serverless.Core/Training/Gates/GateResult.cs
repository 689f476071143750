using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Gates;

/// <summary>One gate's verdict.</summary>
/// <param name="Gate">Which gate, such as <c>minimum:auc</c>, <c>regression:auc</c> or <c>fairness:sex:disparateImpact</c>.</param>
/// <param name="Value">The candidate's value.</param>
/// <param name="Threshold">The limit it was held to.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Message">A sentence a reviewer can read.</param>
public sealed record GateResult(
    [property: JsonPropertyName("gate")] string Gate,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("message")] string Message);
