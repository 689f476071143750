using System.Text.Json.Serialization;

namespace Serverless.Core.Governance.Audit;

/// <summary>Where a chain stops holding: the first entry that was edited, removed or put out of place.</summary>
/// <param name="Chain">The chain (model name or <see cref="AuditLog.PlatformChain"/>).</param>
/// <param name="Sequence">The entry's sequence number (for a removed entry, the missing number).</param>
/// <param name="Expected">The hash (or sequence) the chain called for.</param>
/// <param name="Found">The one stored there (null when the entry is missing).</param>
/// <param name="Why">What is wrong, in words.</param>
public sealed record AuditBreak(
    [property: JsonPropertyName("chain")] string Chain,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("expected")] string Expected,
    [property: JsonPropertyName("found")] string? Found,
    [property: JsonPropertyName("why")] string Why);
