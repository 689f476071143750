using System.Text.Json.Serialization;

namespace Serverless.Core.SelfChecks;

/// <summary>The recorded outcome of a self-check.</summary>
/// <param name="CheckId">The check's identifier.</param>
/// <param name="Source">What asked for it.</param>
/// <param name="Healthy">Whether every probe succeeded.</param>
/// <param name="Probes">Each probe's outcome.</param>
/// <param name="CompletedAt">When the outcome was recorded.</param>
public sealed record SelfCheckReport(
    [property: JsonPropertyName("checkId")] string CheckId,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("healthy")] bool Healthy,
    [property: JsonPropertyName("probes")] IReadOnlyList<ProbeResult> Probes,
    [property: JsonPropertyName("completedAt")] DateTimeOffset CompletedAt);
