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
/// <param name="References">
/// Per numeric feature, and for numeric predictions under <see cref="PredictionBaseline.FeatureName"/>, up to
/// <see cref="ReferenceSize"/> holdout values (evenly spaced quantiles) for the two-sample KS test.
/// </param>
public sealed record MonitoringBaseline(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureBaseline> Features,
    [property: JsonPropertyName("predictions")] PredictionBaseline? Predictions,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("references")] IReadOnlyDictionary<string, IReadOnlyList<double>>? References = null)
{
    /// <summary>The most reference values kept per feature.</summary>
    public const int ReferenceSize = 1000;

    /// <summary>Up to <see cref="ReferenceSize"/> of the present values, evenly spaced through their order (all of them when fewer).</summary>
    public static IReadOnlyList<double> Reference(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        if (sorted.Length <= ReferenceSize)
        {
            return sorted;
        }

        return [.. Enumerable.Range(0, ReferenceSize).Select(i => sorted[(int)((i + 0.5) * sorted.Length / ReferenceSize)])];
    }
}
