using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>What a candidate must reach to be promoted. Metric names are those of <see cref="Evaluation.MetricNames"/>.</summary>
/// <param name="Minimum">Lowest acceptable value per metric, such as <c>{"auc": 0.85}</c>.</param>
/// <param name="Maximum">Highest acceptable value per metric, such as <c>{"logLoss": 0.5, "rmse": 3}</c>.</param>
/// <param name="MaxRegression">
/// Per metric, how much worse than the current production version (on the same holdout) the candidate may be, in the
/// metric's own units, such as <c>{"auc": 0.01}</c>. Null means the task's primary metric may not get worse by more than 0.
/// </param>
/// <param name="Fairness">Fairness limits across each protected attribute (classification).</param>
public sealed record GateSpec(
    [property: JsonPropertyName("minimum")] IReadOnlyDictionary<string, double>? Minimum = null,
    [property: JsonPropertyName("maximum")] IReadOnlyDictionary<string, double>? Maximum = null,
    [property: JsonPropertyName("maxRegression")] IReadOnlyDictionary<string, double>? MaxRegression = null,
    [property: JsonPropertyName("fairness")] FairnessGateSpec? Fairness = null);
