using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>A protected attribute: evaluated for fairness across its groups.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="ExcludeFromFeatures">
/// True (the default) keeps the column out of the model's inputs while it is still used to evaluate fairness; false
/// also trains on it, in which case it must be listed among the features too.
/// </param>
public sealed record ProtectedAttributeSpec(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("excludeFromFeatures")] bool? ExcludeFromFeatures = null);
