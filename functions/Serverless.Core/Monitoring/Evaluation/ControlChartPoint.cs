using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// One window's point on one of a version's control charts, with the centre line and limits it was held against
/// (they depend on the window's sample count) and the rules it broke.
/// </summary>
/// <param name="Chart">One of <see cref="ControlCharts"/>.</param>
/// <param name="Version">The version charted.</param>
/// <param name="Value">The window's value.</param>
/// <param name="CentreLine">The baseline's value.</param>
/// <param name="Lower">The lower control limit.</param>
/// <param name="Upper">The upper control limit.</param>
/// <param name="Sigma">The standard deviation of the value at this window's sample count.</param>
/// <param name="Count">The values behind the point (samples, or labelled samples for the error rate).</param>
/// <param name="Violations">Each run rule that fired at this point, in a sentence; empty when in control.</param>
/// <param name="Shadow">Whether it charts the version's answers as a shadow (a series of its own).</param>
public sealed record ControlChartPoint(
    [property: JsonPropertyName("chart")] string Chart,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("centreLine")] double CentreLine,
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper,
    [property: JsonPropertyName("sigma")] double Sigma,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("violations")] IReadOnlyList<string> Violations,
    [property: JsonPropertyName("shadow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false)
{
    /// <summary>How far the value lies from the centre line, in sigma (0 when sigma is 0 and the value is on it).</summary>
    [JsonIgnore]
    public double Z => Sigma > 0 ? (Value - CentreLine) / Sigma : Value == CentreLine ? 0 : Math.Sign(Value - CentreLine) * double.PositiveInfinity;
}
