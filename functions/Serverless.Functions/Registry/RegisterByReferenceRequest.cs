using System.Text.Json.Serialization;

namespace Serverless.Functions.Registry;

/// <summary>The JSON body of a registration by reference: the model's blob and the version's metadata.</summary>
/// <param name="Blob"><c>container/path</c> of the ONNX file in the app's storage account.</param>
/// <param name="Description">Free text.</param>
/// <param name="TrainingData">A reference to the data it was trained on.</param>
/// <param name="Metrics">Evaluation metrics by name.</param>
/// <param name="RegisteredBy">Who registered it; defaults to the caller's principal.</param>
internal sealed record RegisterByReferenceRequest(
    [property: JsonPropertyName("blob")] string? Blob,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("trainingData")] string? TrainingData = null,
    [property: JsonPropertyName("metrics")] Dictionary<string, double>? Metrics = null,
    [property: JsonPropertyName("registeredBy")] string? RegisteredBy = null);
