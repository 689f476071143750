using System.Text.Json.Serialization;
using Serverless.Core.Monitoring.Statistics;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>How one version did in one window.</summary>
/// <param name="Version">The version.</param>
/// <param name="Samples">Its samples in the window.</param>
/// <param name="Labelled">Those with ground truth.</param>
/// <param name="Baseline">What it was held against (<c>version 3 (retraining ...)</c>), or null when it has none.</param>
/// <param name="DataDrift">Per feature, each drift test.</param>
/// <param name="PredictionDrift">The predictions' drift tests.</param>
/// <param name="Performance">The task's metrics on the labelled samples (accuracy, error rate, AUC; RMSE, MAE).</param>
/// <param name="Charts">Its control-chart points.</param>
/// <param name="Breached">Whether its predictions drifted or a chart signalled (what the guardrail counts).</param>
/// <param name="Notes">What could not be evaluated, and why.</param>
/// <param name="Shadow">
/// Whether these are the version's answers as an alias's shadow (copies of requests another version served), kept
/// apart from its served answers: its own drift, charts and guardrail run.
/// </param>
public sealed record VersionEvaluation(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("labelled")] int Labelled,
    [property: JsonPropertyName("baseline")] string? Baseline,
    [property: JsonPropertyName("dataDrift")] IReadOnlyList<DriftResult> DataDrift,
    [property: JsonPropertyName("predictionDrift")] IReadOnlyList<DriftResult> PredictionDrift,
    [property: JsonPropertyName("performance")] IReadOnlyDictionary<string, double> Performance,
    [property: JsonPropertyName("charts")] IReadOnlyList<ControlChartPoint> Charts,
    [property: JsonPropertyName("breached")] bool Breached,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("shadow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Shadow = false)
{
    /// <summary>Whether it was assessed at all: it had a baseline and enough samples.</summary>
    [JsonIgnore]
    public bool Assessed => PredictionDrift.Count > 0 || Charts.Count > 0 || DataDrift.Count > 0;
}
