using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>A feature column.</summary>
/// <param name="Name">The column's name in the data, which is also the model input's name.</param>
/// <param name="Type"><c>numeric</c> or <c>categorical</c>.</param>
public sealed record FeatureSpec(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("type")] string? Type);
