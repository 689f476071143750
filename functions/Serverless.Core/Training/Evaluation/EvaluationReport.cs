using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Evaluation;

/// <summary>How a model did on a holdout: the task's metrics, overall and per protected group, and fairness per attribute.</summary>
/// <param name="Rows">Holdout rows evaluated.</param>
/// <param name="Metrics">The task's metrics (<see cref="MetricNames"/>).</param>
/// <param name="Groups">Per protected attribute, per group: its row count and metrics.</param>
/// <param name="Fairness">Per protected attribute (classification): disparate impact and equal-opportunity difference.</param>
/// <param name="Predictions">The predictions' distribution on the holdout (monitoring's reference for prediction drift and control limits).</param>
public sealed record EvaluationReport(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics,
    [property: JsonPropertyName("groups")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, GroupMetrics>> Groups,
    [property: JsonPropertyName("fairness")] IReadOnlyDictionary<string, FairnessMetrics> Fairness,
    [property: JsonPropertyName("predictions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PredictionBaseline? Predictions = null);
