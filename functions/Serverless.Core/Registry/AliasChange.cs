using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>One recorded move of an alias.</summary>
public sealed record AliasChange(
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("previousVersion")] int? PreviousVersion,
    [property: JsonPropertyName("changedAt")] DateTimeOffset ChangedAt,
    [property: JsonPropertyName("changedBy")] string ChangedBy);
