using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>How a retraining ended: its outcome (<see cref="RetrainingOutcomes"/>), the candidate, and why.</summary>
public sealed record RetrainingResult(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion,
    [property: JsonPropertyName("reason")] string? Reason);
