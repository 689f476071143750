using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>A retraining's custom status: its steps so far, the candidate, and how it ended.</summary>
public sealed record RetrainingProgress(
    [property: JsonPropertyName("steps")] IReadOnlyList<RetrainingStep> Steps,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion = null,
    [property: JsonPropertyName("outcome")] string? Outcome = null,
    [property: JsonPropertyName("reason")] string? Reason = null)
{
    /// <summary>The step running now, if any.</summary>
    [JsonPropertyName("currentStep")]
    public string? CurrentStep => Steps.LastOrDefault(s => s.EndedAt is null)?.Name;
}
