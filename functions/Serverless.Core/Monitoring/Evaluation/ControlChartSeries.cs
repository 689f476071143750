using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>One version's control chart over the shown windows.</summary>
/// <param name="Chart">One of <see cref="ControlCharts"/>.</param>
/// <param name="Version">The version.</param>
/// <param name="Windows">Each point's window start, oldest first.</param>
/// <param name="Points">The points, in the same order.</param>
/// <param name="Shadow">Whether it charts the version's answers as an alias's shadow (a series apart from its served answers).</param>
public sealed record ControlChartSeries(
    [property: JsonPropertyName("chart")] string Chart,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("windows")] IReadOnlyList<DateTimeOffset> Windows,
    [property: JsonPropertyName("points")] IReadOnlyList<ControlChartPoint> Points,
    [property: JsonPropertyName("shadow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false);
