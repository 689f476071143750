using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The last step's input: the run and its result, to record.</summary>
public sealed record FinishStepInput(
    [property: JsonPropertyName("run")] RetrainingStepInput Run,
    [property: JsonPropertyName("result")] RetrainingResult Result);
