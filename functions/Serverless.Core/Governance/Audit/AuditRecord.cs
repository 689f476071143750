using System.Text.Json.Serialization;

namespace Serverless.Core.Governance.Audit;

/// <summary>An entry as the log holds it: its place in its chain and the hashes that link it.</summary>
/// <param name="Chain">The chain (table partition): the model's name, or <see cref="AuditLog.PlatformChain"/>.</param>
/// <param name="Sequence">Its number in the chain, from 1, without gaps.</param>
/// <param name="Entry">What happened.</param>
/// <param name="PreviousHash">The hash of the chain's previous entry (64 zeros for the first).</param>
/// <param name="Hash">Lower-case hex SHA-256 of the previous hash followed by the canonical JSON of chain, sequence and entry.</param>
public sealed record AuditRecord(
    [property: JsonPropertyName("chain")] string Chain,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("entry")] AuditEntry Entry,
    [property: JsonPropertyName("previousHash")] string PreviousHash,
    [property: JsonPropertyName("hash")] string Hash);
