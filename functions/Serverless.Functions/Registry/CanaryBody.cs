using System.Text.Json.Serialization;

namespace Serverless.Functions.Registry;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}/canary</c>.</summary>
internal sealed record CanaryBody(
    [property: JsonPropertyName("version")] int? Version = null,
    [property: JsonPropertyName("weight")] double? Weight = null,
    [property: JsonPropertyName("reason")] string? Reason = null);
