using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Gates;

/// <summary>All gates' verdicts; the candidate passes when every gate does.</summary>
public sealed record GateReport(
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("results")] IReadOnlyList<GateResult> Results)
{
    /// <summary>The messages of the gates that failed.</summary>
    [JsonIgnore]
    public IEnumerable<string> Failures => Results.Where(r => !r.Passed).Select(r => r.Message);
}
