using System.Text.Json.Serialization;

namespace Serverless.Core.Governance.Audit;

/// <summary>One page of entries, by chain then oldest first, and where the next page starts.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="ContinuationToken">Pass back for the next page; null on the last.</param>
public sealed record AuditPage(
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditRecord> Entries,
    [property: JsonPropertyName("continuationToken")] string? ContinuationToken);
