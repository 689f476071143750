using System.Text.Json.Serialization;
using Serverless.Core.Explanations;
using Serverless.Core.Registry;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Gates;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// What the retraining line found and decided about one candidate version: kept whatever the outcome, so a rejected
/// candidate stays with its reasons.
/// </summary>
/// <param name="Status"><c>candidate</c>, <c>rejected</c>, <c>approved</c>, <c>promoted</c> or <c>failed</c>.</param>
/// <param name="InstanceId">The retraining that made or judged it.</param>
/// <param name="Training">Its data, spec, trainer and code.</param>
/// <param name="Candidate">Its metrics on the holdout.</param>
/// <param name="Champion">The production version's metrics on the same holdout.</param>
/// <param name="ChampionVersion">Which version that was.</param>
/// <param name="ChampionNote">Why there is no champion report, when there is not.</param>
/// <param name="Gates">The gates' verdicts.</param>
/// <param name="Approval">The reviewer's decision.</param>
/// <param name="Reason">Why it was rejected or failed.</param>
/// <param name="UpdatedAt">When this record last changed.</param>
/// <param name="Importance">The candidate's global feature importance (its most important inputs), computed at the evaluate step.</param>
/// <param name="ImportanceNote">Why there is no importance, when there is not.</param>
public sealed record CandidateReview(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("training")] TrainingLineage Training,
    [property: JsonPropertyName("candidate")] EvaluationReport? Candidate = null,
    [property: JsonPropertyName("champion")] EvaluationReport? Champion = null,
    [property: JsonPropertyName("championVersion")] int? ChampionVersion = null,
    [property: JsonPropertyName("championNote")] string? ChampionNote = null,
    [property: JsonPropertyName("gates")] GateReport? Gates = null,
    [property: JsonPropertyName("approval")] ApprovalDecision? Approval = null,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt = default,
    [property: JsonPropertyName("importance")] GlobalImportance? Importance = null,
    [property: JsonPropertyName("importanceNote")] string? ImportanceNote = null);
