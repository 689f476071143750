using System.Text.Json.Serialization;

namespace Serverless.Core.Governance.Audit;

/// <summary>One governed action: who did what to which target, with what result.</summary>
/// <param name="Actor">Who: from the validated token, <see cref="Actor.Platform"/>, or an anonymous caller.</param>
/// <param name="Action">What: one of <see cref="AuditActions"/>.</param>
/// <param name="Model">The model acted on, if any; it names the entry's chain (others go to the platform's chain).</param>
/// <param name="Version">The model version acted on, if any.</param>
/// <param name="Alias">The alias moved, if any.</param>
/// <param name="Run">The retraining (orchestration instance id) acted on, if any.</param>
/// <param name="Before">The state before (e.g. the version an alias pointed at), if known.</param>
/// <param name="After">The state after, if known.</param>
/// <param name="Reason">What the actor said, if anything.</param>
/// <param name="Time">When (kept to whole milliseconds, as stored).</param>
/// <param name="RequestId">The request or invocation it came from, if any.</param>
/// <param name="Outcome">One of <see cref="AuditOutcomes"/>.</param>
/// <param name="Status">The HTTP status answered, for actions taken over HTTP.</param>
public sealed record AuditEntry(
    [property: JsonPropertyName("actor")] Actor Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("alias")] string? Alias,
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("before")] string? Before,
    [property: JsonPropertyName("after")] string? After,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("requestId")] string? RequestId,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("status")] int? Status);
