using System.Text.Json.Serialization;

namespace Serverless.Core.Explanations;

/// <summary>One input's global importance.</summary>
/// <param name="Feature">The input's name.</param>
/// <param name="Importance">Its mean absolute attribution, in the importance's space.</param>
public sealed record FeatureImportance(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("importance")] double Importance);
