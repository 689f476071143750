using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The candidate version the train step registered (or chose, for an external trainer).</summary>
public sealed record CandidateInfo(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("trainer")] string Trainer,
    [property: JsonPropertyName("trainingSeconds")] double TrainingSeconds);
