using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// A retraining as <c>GET /models/{name}/retrainings/{id}</c> shows it; once its candidate is evaluated, with the
/// candidate's review (metrics beside production's, fairness per protected group, gates, global feature importance):
/// what an approver reads before deciding.
/// </summary>
public sealed record RetrainingStatus(
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("runtimeStatus")] string RuntimeStatus,
    [property: JsonPropertyName("currentStep")] string? CurrentStep,
    [property: JsonPropertyName("steps")] IReadOnlyList<RetrainingStep> Steps,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion,
    [property: JsonPropertyName("outcome")] string? Outcome,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("startedBy")] string StartedBy,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("lastUpdatedAt")] DateTimeOffset? LastUpdatedAt,
    [property: JsonPropertyName("review")] CandidateReview? Review = null);
