using System.Text.Json.Serialization;

namespace Serverless.Core.Governance.Audit;

/// <summary>What walking the chains found.</summary>
/// <param name="Verified">Whether every chain walked held.</param>
/// <param name="Chains">Chains walked.</param>
/// <param name="Entries">Entries checked and found intact, up to the first break.</param>
/// <param name="FirstBreak">The first break, or null.</param>
public sealed record AuditVerification(
    [property: JsonPropertyName("verified")] bool Verified,
    [property: JsonPropertyName("chains")] int Chains,
    [property: JsonPropertyName("entries")] long Entries,
    [property: JsonPropertyName("firstBreak")] AuditBreak? FirstBreak);
