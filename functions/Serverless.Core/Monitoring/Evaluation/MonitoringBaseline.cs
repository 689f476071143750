using System.Text.Json.Serialization;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// What a version's live traffic is held against: its training data's per-feature distributions and its predictions'
/// distribution on the holdout, recorded when the retraining line evaluated it.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version it describes.</param>
/// <param name="Task"><c>binary</c>, <c>multiclass</c> or <c>regression</c>.</param>
/// <param name="Source">Where it comes from (the retraining run and dataset).</param>
/// <param name="Features">Per feature, its training distribution.</param>
/// <param name="Predictions">The version's predictions on the holdout.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record MonitoringBaseline(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureBaseline> Features,
    [property: JsonPropertyName("predictions")] PredictionBaseline? Predictions,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);
