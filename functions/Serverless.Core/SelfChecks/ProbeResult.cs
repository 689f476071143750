using System.Text.Json.Serialization;

namespace Serverless.Core.SelfChecks;

/// <summary>The outcome of one storage round trip.</summary>
/// <param name="Service">The storage service probed: <c>blob</c> or <c>table</c>.</param>
/// <param name="Ok">Whether what was written was read back unchanged.</param>
/// <param name="ElapsedMilliseconds">How long the round trip took.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record ProbeResult(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("elapsedMs")] double ElapsedMilliseconds,
    [property: JsonPropertyName("error")] string? Error = null);
