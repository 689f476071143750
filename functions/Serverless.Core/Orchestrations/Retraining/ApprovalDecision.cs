using System.Text.Json.Serialization;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>A reviewer's decision on a candidate, or the timeout's.</summary>
/// <param name="Approved">Whether the candidate may be promoted.</param>
/// <param name="By">Who decided (<c>timeout</c> when nobody did in time).</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When.</param>
public sealed record ApprovalDecision(
    [property: JsonPropertyName("approved")] bool Approved,
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("at")] DateTimeOffset At);
