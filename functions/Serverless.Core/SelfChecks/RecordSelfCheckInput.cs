using System.Text.Json.Serialization;

namespace Serverless.Core.SelfChecks;

/// <summary>Input of the activity that records a self-check's outcome.</summary>
/// <param name="Request">The check.</param>
/// <param name="Probes">The outcomes of its probes.</param>
public sealed record RecordSelfCheckInput(
    [property: JsonPropertyName("request")] SelfCheckRequest Request,
    [property: JsonPropertyName("probes")] IReadOnlyList<ProbeResult> Probes);
