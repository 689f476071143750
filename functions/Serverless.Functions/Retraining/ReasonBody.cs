using System.Text.Json.Serialization;

namespace Serverless.Functions.Retraining;

/// <summary>The body of an approval, rejection, termination or rollback.</summary>
internal sealed record ReasonBody([property: JsonPropertyName("reason")] string? Reason = null);
