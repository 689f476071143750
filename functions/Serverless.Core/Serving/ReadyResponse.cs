using System.Text.Json.Serialization;

namespace Serverless.Core.Serving;

/// <summary>The Open Inference Protocol's server-ready response, with the reason when not ready.</summary>
/// <param name="Ready">Whether the server and its storage are ready.</param>
/// <param name="Error">Why it is not ready.</param>
public sealed record ReadyResponse(
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);
