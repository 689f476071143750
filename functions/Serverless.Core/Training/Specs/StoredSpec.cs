using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>A version of a model's spec as stored.</summary>
/// <param name="Model">The model the spec makes.</param>
/// <param name="Version">1, 2, 3... with no gaps.</param>
/// <param name="Sha256">SHA-256 of the spec's canonical JSON, lower-case hex: lineage names the spec that made a model by it.</param>
/// <param name="Spec">The spec.</param>
/// <param name="CreatedAt">When this version was stored.</param>
/// <param name="CreatedBy">Who stored it.</param>
/// <param name="Created">Whether this call stored it (false: the latest version already had the same hash).</param>
public sealed record StoredSpec(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("spec")] ModelSpec Spec,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("createdBy")] string CreatedBy,
    [property: JsonPropertyName("created")] bool Created);
