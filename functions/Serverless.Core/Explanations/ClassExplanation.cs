namespace Serverless.Core.Explanations;

/// <summary>One class's share of a multiclass row's explanation: <see cref="Baseline"/> plus the sum of <see cref="Attributions"/> is <see cref="Output"/>.</summary>
/// <param name="Class">The class, as <c>/predict</c> names it.</param>
/// <param name="Output">The model's output for the class, in the explainer's space.</param>
/// <param name="Baseline">The class's expected output over the background.</param>
/// <param name="Attributions">Per model input, its share of output minus baseline.</param>
internal sealed record ClassExplanation(string Class, double Output, double Baseline, IReadOnlyDictionary<string, double> Attributions);
