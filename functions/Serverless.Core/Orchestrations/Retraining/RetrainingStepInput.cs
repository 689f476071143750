using System.Text.Json.Serialization;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>What every retraining activity is handed: the run, and what the steps before it produced.</summary>
/// <param name="InstanceId">The orchestration instance; activities key their writes on it, so a retried one writes once.</param>
/// <param name="Input">The run's input.</param>
/// <param name="Dataset">The data snapshot, once taken.</param>
/// <param name="CandidateVersion">The candidate, once trained or chosen.</param>
public sealed record RetrainingStepInput(
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("input")] RetrainingInput Input,
    [property: JsonPropertyName("dataset")] DatasetSnapshot? Dataset = null,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion = null);
