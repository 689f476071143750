using System.Text.Json.Serialization;

namespace Serverless.Core.Serving.Shadow;

/// <summary>A model's shadow comparisons (<c>GET /models/{name}/shadow</c>).</summary>
/// <param name="Model">The model.</param>
/// <param name="Compared">Predictions answered by both a version and its shadow, all pairs together.</param>
/// <param name="Dropped">Copies dropped because an instance's shadow queue was full (every instance that reported).</param>
/// <param name="Failed">Copies the shadow could not answer, or whose comparison could not be stored.</param>
/// <param name="AgreementRate">Share of the compared predictions with a label where both gave the same label; null without labels.</param>
/// <param name="MeanScoreDifference">Mean absolute score difference (probabilities or values); null without scores.</param>
/// <param name="Pairs">The same per alias, version and shadow version, most recently compared first.</param>
public sealed record ShadowSummary(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("compared")] long Compared,
    [property: JsonPropertyName("dropped")] long Dropped,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("agreementRate")] double? AgreementRate,
    [property: JsonPropertyName("meanScoreDifference")] double? MeanScoreDifference,
    [property: JsonPropertyName("pairs")] IReadOnlyList<ShadowPairSummary> Pairs);
