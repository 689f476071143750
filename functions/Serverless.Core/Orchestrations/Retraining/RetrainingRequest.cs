using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The optional body of <c>POST /models/{name}/retrain</c>, and of a "new data" queue message (which also names the model).</summary>
/// <param name="Model">The model (queue messages only; the HTTP route names it).</param>
/// <param name="Data">Overrides the spec's data: <c>container/path</c> or <c>dataset:name</c>.</param>
/// <param name="CandidateVersion">For an external trainer: the version to evaluate (default: the latest).</param>
/// <param name="Reason">Why, kept with the run.</param>
public sealed record RetrainingRequest(
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("data")] string? Data = null,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion = null,
    [property: JsonPropertyName("reason")] string? Reason = null);
