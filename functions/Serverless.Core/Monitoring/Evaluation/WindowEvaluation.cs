using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>One model's evaluated window.</summary>
/// <param name="Model">The model.</param>
/// <param name="WindowStart">The window's start (UTC).</param>
/// <param name="WindowEnd">The window's end (UTC).</param>
/// <param name="EvaluatedAt">When it was evaluated.</param>
/// <param name="Samples">Samples in the window, all versions.</param>
/// <param name="Versions">Per version that answered in it.</param>
/// <param name="Alerts">The alerts it raised.</param>
public sealed record WindowEvaluation(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("windowStart")] DateTimeOffset WindowStart,
    [property: JsonPropertyName("windowEnd")] DateTimeOffset WindowEnd,
    [property: JsonPropertyName("evaluatedAt")] DateTimeOffset EvaluatedAt,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("versions")] IReadOnlyList<VersionEvaluation> Versions,
    [property: JsonPropertyName("alerts")] IReadOnlyList<MonitoringAlert> Alerts);
