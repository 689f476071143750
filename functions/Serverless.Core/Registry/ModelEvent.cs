using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>Something that happened to a model version in service, recorded in its lineage.</summary>
/// <param name="Version">The version concerned.</param>
/// <param name="Kind">What happened, such as <c>integrity-failure</c>.</param>
/// <param name="Message">The details.</param>
/// <param name="At">When.</param>
public sealed record ModelEvent(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("at")] DateTimeOffset At);
