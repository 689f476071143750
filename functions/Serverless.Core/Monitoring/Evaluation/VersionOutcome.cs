using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>Whether a version was assessed in a window (it had a baseline and enough samples) and whether it breached.</summary>
internal sealed record VersionOutcome(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("assessed")] bool Assessed,
    [property: JsonPropertyName("breached")] bool Breached);
