using System.Text.Json.Serialization;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Training.Evaluation;

/// <summary>
/// A model's predictions on a holdout, the reference monitoring compares its live predictions against: binary, the
/// positive class's probability (numeric); multiclass, the predicted class (categorical); regression, the predicted
/// value (numeric).
/// </summary>
/// <param name="Rows">Holdout rows predicted.</param>
/// <param name="Distribution">The predictions' distribution, as a feature named <see cref="FeatureName"/> (numeric: its mean and standard deviation too).</param>
/// <param name="PositiveRate">Binary: share of rows predicted positive (probability 0.5 or more).</param>
/// <param name="ErrorRate">Classification: share of rows predicted wrongly.</param>
public sealed record PredictionBaseline(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("distribution")] FeatureBaseline Distribution,
    [property: JsonPropertyName("positiveRate")] double? PositiveRate,
    [property: JsonPropertyName("errorRate")] double? ErrorRate)
{
    /// <summary>Numeric predictions: each holdout row's (kept in memory for the monitoring baseline's reference sample, not serialized).</summary>
    [JsonIgnore]
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>The name the predictions go by in drift results and alerts.</summary>
    public const string FeatureName = "prediction";
}
