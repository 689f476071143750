using System.Text.Json.Serialization;

namespace Serverless.Core.Serving;

/// <summary>The answer of the model-ready endpoint.</summary>
/// <param name="Name">The model.</param>
/// <param name="Version">The version that is ready.</param>
/// <param name="Ready">Whether it can serve now.</param>
public sealed record ModelReadyResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("ready")] bool Ready);
