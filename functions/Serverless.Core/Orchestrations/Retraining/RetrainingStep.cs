using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>One step of a retraining as its status shows it.</summary>
/// <param name="Name">One of <see cref="RetrainingSteps"/>.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; null while it runs.</param>
/// <param name="Outcome"><c>succeeded</c>, <c>failed</c>, <c>rejected</c>, <c>approved</c> or <c>skipped</c>; null while it runs.</param>
/// <param name="Detail">What it produced or why it failed.</param>
public sealed record RetrainingStep(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("endedAt")] DateTimeOffset? EndedAt = null,
    [property: JsonPropertyName("outcome")] string? Outcome = null,
    [property: JsonPropertyName("detail")] string? Detail = null);
