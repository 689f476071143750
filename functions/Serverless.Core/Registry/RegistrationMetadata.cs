using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>What a data scientist says about a version when registering it.</summary>
/// <param name="RegisteredBy">Who or what registered it.</param>
/// <param name="Description">Free text.</param>
/// <param name="TrainingData">A reference to the data it was trained on (URI, dataset id and version...).</param>
/// <param name="Metrics">Evaluation metrics by name.</param>
/// <param name="Training">For a version the retraining line made: its data, spec, trainer and code.</param>
/// <param name="RegisteredBySubject">The validated subject of whoever registered it (segregation of duties compares it), when a person did.</param>
public sealed record RegistrationMetadata(
    [property: JsonPropertyName("registeredBy")] string RegisteredBy,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("trainingData")] string? TrainingData = null,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double>? Metrics = null,
    [property: JsonPropertyName("training")] TrainingLineage? Training = null,
    [property: JsonPropertyName("registeredBySubject"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RegisteredBySubject = null);
