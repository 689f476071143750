using System.Text.Json.Serialization;

namespace Serverless.Core.Serving;

/// <summary>The Open Inference Protocol's server-live response.</summary>
/// <param name="Live">Whether the server can receive and answer requests.</param>
public sealed record LiveResponse([property: JsonPropertyName("live")] bool Live);
