using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>Whether a version (as a shadow, or serving) was assessed in a window (it had a baseline and enough samples) and whether it breached.</summary>
internal sealed record VersionOutcome(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("assessed")] bool Assessed,
    [property: JsonPropertyName("breached")] bool Breached,
    [property: JsonPropertyName("shadow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false);
