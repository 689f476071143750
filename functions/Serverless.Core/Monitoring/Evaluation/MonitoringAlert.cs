using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>An alert with its evidence, as recorded and as published to the alert queue.</summary>
/// <param name="Id">Stable for the same finding: <c>{model}/{window}/v{version}/{kind}/{subject}</c> (<c>v{version}-shadow</c> for a shadow's answers), so a re-delivered alert can be recognised.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The version it concerns.</param>
/// <param name="WindowStart">The window's start (UTC).</param>
/// <param name="WindowEnd">The window's end (UTC).</param>
/// <param name="Kind">One of <see cref="AlertKinds"/>.</param>
/// <param name="Severity"><c>warning</c> or <c>critical</c>.</param>
/// <param name="Subject">The feature, <c>prediction</c>, or the chart.</param>
/// <param name="Statistic">The statistic (PSI, KS D, chi-square, the chart's value), when there is one.</param>
/// <param name="Threshold">What it was held against, when there is one.</param>
/// <param name="Evidence">What was seen, in sentences.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="Shadow">Whether it concerns the version's answers as an alias's shadow.</param>
public sealed record MonitoringAlert(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("windowStart")] DateTimeOffset WindowStart,
    [property: JsonPropertyName("windowEnd")] DateTimeOffset WindowEnd,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("statistic")] double? Statistic,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("evidence")] string Evidence,
    [property: JsonPropertyName("raisedAt")] DateTimeOffset RaisedAt,
    [property: JsonPropertyName("shadow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false)
{
    /// <summary>Severity of a finding that alone does not make a breach.</summary>
    public const string Warning = "warning";

    /// <summary>Severity of a breach.</summary>
    public const string Critical = "critical";
}
