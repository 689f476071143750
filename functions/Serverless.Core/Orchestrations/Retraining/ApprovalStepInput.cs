using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The decision to record on the candidate.</summary>
public sealed record ApprovalStepInput(
    [property: JsonPropertyName("run")] RetrainingStepInput Run,
    [property: JsonPropertyName("decision")] ApprovalDecision Decision);
