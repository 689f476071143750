namespace Serverless.Core.Explanations;

/// <summary>
/// One row's explanation: <see cref="Baseline"/> plus the sum of <see cref="Attributions"/> is <see cref="Output"/>.
/// </summary>
/// <param name="Output">The model's output for the row, in the explainer's space.</param>
/// <param name="Baseline">The expected output over the background, in the explainer's space.</param>
/// <param name="Attributions">Per model input, its share of output minus baseline.</param>
internal sealed record RowExplanation(double Output, double Baseline, IReadOnlyDictionary<string, double> Attributions);
