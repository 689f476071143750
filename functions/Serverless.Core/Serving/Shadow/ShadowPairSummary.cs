using System.Text.Json.Serialization;

namespace Serverless.Core.Serving.Shadow;

/// <summary>The comparisons of one alias's version with one shadow version.</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Version">The version that answered the callers.</param>
/// <param name="ShadowVersion">The shadow version.</param>
/// <param name="Compared">Predictions compared.</param>
/// <param name="Labelled">Of those, predictions with a label on both sides.</param>
/// <param name="AgreementRate">Share of <paramref name="Labelled"/> where the labels were the same; null when none.</param>
/// <param name="Scored">Predictions with scores on both sides.</param>
/// <param name="MeanScoreDifference">Mean absolute score difference over <paramref name="Scored"/>; null when none.</param>
/// <param name="LastComparedAt">When the latest of them was compared.</param>
public sealed record ShadowPairSummary(
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("shadowVersion")] int ShadowVersion,
    [property: JsonPropertyName("compared")] long Compared,
    [property: JsonPropertyName("labelled")] long Labelled,
    [property: JsonPropertyName("agreementRate")] double? AgreementRate,
    [property: JsonPropertyName("scored")] long Scored,
    [property: JsonPropertyName("meanScoreDifference")] double? MeanScoreDifference,
    [property: JsonPropertyName("lastComparedAt")] DateTimeOffset LastComparedAt);
