using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>What made a version the retraining line trained or evaluated: kept with the version from its registration.</summary>
/// <param name="InstanceId">The retraining orchestration.</param>
/// <param name="DatasetId">The data snapshot's id (its SHA-256).</param>
/// <param name="DatasetSource">Where the data came from.</param>
/// <param name="SpecVersion">The spec version it followed.</param>
/// <param name="SpecSha256">That spec's hash.</param>
/// <param name="Trainer">The trainer (<c>external</c> when another pipeline made it).</param>
/// <param name="Hyperparameters">The trainer's effective hyperparameters.</param>
/// <param name="CodeVersion">The platform's version with its git commit.</param>
/// <param name="TrainingSeconds">How long training took.</param>
public sealed record TrainingLineage(
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("datasetId")] string DatasetId,
    [property: JsonPropertyName("datasetSource")] string DatasetSource,
    [property: JsonPropertyName("specVersion")] int SpecVersion,
    [property: JsonPropertyName("specSha256")] string SpecSha256,
    [property: JsonPropertyName("trainer")] string Trainer,
    [property: JsonPropertyName("hyperparameters")] IReadOnlyDictionary<string, double> Hyperparameters,
    [property: JsonPropertyName("codeVersion")] string CodeVersion,
    [property: JsonPropertyName("trainingSeconds")] double? TrainingSeconds = null);
