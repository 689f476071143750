using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Evaluation;

/// <summary>Fairness across one protected attribute's groups (binary classification).</summary>
/// <param name="DisparateImpact">Smallest group positive rate over the largest (1 is parity).</param>
/// <param name="EqualOpportunityDifference">Largest minus smallest group true-positive rate (0 is parity).</param>
/// <param name="LowestGroup">The group with the smallest positive rate.</param>
/// <param name="HighestGroup">The group with the largest positive rate.</param>
public sealed record FairnessMetrics(
    [property: JsonPropertyName("disparateImpact")] double DisparateImpact,
    [property: JsonPropertyName("equalOpportunityDifference")] double EqualOpportunityDifference,
    [property: JsonPropertyName("lowestGroup")] string LowestGroup,
    [property: JsonPropertyName("highestGroup")] string HighestGroup);
