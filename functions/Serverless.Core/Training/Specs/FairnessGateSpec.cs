using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>Fairness limits, checked for each protected attribute.</summary>
/// <param name="MinDisparateImpact">Lowest acceptable ratio of the smallest to the largest group's positive-prediction rate (default 0.8).</param>
/// <param name="MaxEqualOpportunityDifference">Largest acceptable gap between the groups' true-positive rates (default 0.1).</param>
public sealed record FairnessGateSpec(
    [property: JsonPropertyName("minDisparateImpact")] double? MinDisparateImpact = null,
    [property: JsonPropertyName("maxEqualOpportunityDifference")] double? MaxEqualOpportunityDifference = null);
