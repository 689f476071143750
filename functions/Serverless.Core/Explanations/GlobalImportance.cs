using System.Text.Json.Serialization;

namespace Serverless.Core.Explanations;

/// <summary>
/// A version's global feature importance: each input's mean absolute attribution over a background drawn from its
/// training baseline, largest first; what an approver weighs beside the candidate's metrics and fairness figures.
/// </summary>
/// <param name="Method">How the attributions were computed (<c>tree-shap</c>, <c>linear</c>, <c>kernel-shap</c>).</param>
/// <param name="Space">The space the attributions are in (<c>log-odds</c>, <c>raw-score</c>, <c>probability</c>, <c>value</c>).</param>
/// <param name="Measure">What each number is, in words.</param>
/// <param name="BaselineDescription">What the attributions are measured against.</param>
/// <param name="Inputs">How many inputs the model has (<paramref name="Features"/> may hold only the largest).</param>
/// <param name="Features">Inputs and their importance, largest first.</param>
public sealed record GlobalImportance(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("measure")] string Measure,
    [property: JsonPropertyName("baselineDescription")] string BaselineDescription,
    [property: JsonPropertyName("inputs")] int Inputs,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureImportance> Features)
{
    /// <summary>The same with only the <paramref name="count"/> most important inputs.</summary>
    public GlobalImportance Top(int count) => this with { Features = [.. Features.Take(count)] };
}
