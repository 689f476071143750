using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// A retraining as the model's list shows it: who started it, how, and how it ended; while it runs, its current step
/// (<c>approval</c>: it waits for a reviewer, whose read is its status with the candidate's review).
/// </summary>
public sealed record RetrainingRun(
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("startedBy")] string StartedBy,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("specVersion")] int SpecVersion,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("outcome")] string? Outcome = null,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion = null,
    [property: JsonPropertyName("outcomeReason")] string? OutcomeReason = null,
    [property: JsonPropertyName("completedAt")] DateTimeOffset? CompletedAt = null,
    [property: JsonPropertyName("runtimeStatus")] string? RuntimeStatus = null,
    [property: JsonPropertyName("startedBySubject")] string? StartedBySubject = null,
    [property: JsonPropertyName("currentStep")] string? CurrentStep = null);
