using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>What a retraining was asked to do, fixed when it starts.</summary>
/// <param name="Model">The model.</param>
/// <param name="SpecVersion">The spec version it follows (the latest when it started).</param>
/// <param name="Data">Overrides the spec's data source: <c>container/path</c> or <c>dataset:name</c>.</param>
/// <param name="CandidateVersion">For an external trainer: the registered version to evaluate (default: the latest).</param>
/// <param name="StartedBy">Who or what started it; that caller cannot approve it.</param>
/// <param name="Trigger"><c>http</c>, <c>schedule</c> or <c>queue</c>.</param>
/// <param name="Reason">Why, as the starter said.</param>
/// <param name="ApprovalTimeout">How long a reviewer has, when the spec asks for manual approval; null means automatic.</param>
public sealed record RetrainingInput(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("specVersion")] int SpecVersion,
    [property: JsonPropertyName("data")] string? Data,
    [property: JsonPropertyName("candidateVersion")] int? CandidateVersion,
    [property: JsonPropertyName("startedBy")] string StartedBy,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("approvalTimeout")] TimeSpan? ApprovalTimeout);
