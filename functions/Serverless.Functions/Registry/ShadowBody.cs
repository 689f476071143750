using System.Text.Json.Serialization;

namespace Serverless.Functions.Registry;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}/shadow</c>.</summary>
internal sealed record ShadowBody(
    [property: JsonPropertyName("version")] int? Version = null,
    [property: JsonPropertyName("reason")] string? Reason = null);
