using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The gates step's input: the run and the evaluation to judge.</summary>
public sealed record GateStepInput(
    [property: JsonPropertyName("run")] RetrainingStepInput Run,
    [property: JsonPropertyName("evaluation")] EvaluationStepResult Evaluation);
