namespace Serverless.Core.Explanations;

/// <summary>
/// One row's explanation: <see cref="Baseline"/> plus the sum of <see cref="Attributions"/> is <see cref="Output"/>.
/// For a multiclass model these are the predicted class's (<see cref="Class"/>), and <see cref="Classes"/> holds every
/// class's, each adding up the same way.
/// </summary>
/// <param name="Output">The model's output for the row, in the explainer's space.</param>
/// <param name="Baseline">The expected output over the background, in the explainer's space.</param>
/// <param name="Attributions">Per model input, its share of output minus baseline.</param>
/// <param name="Class">Multiclass: the class explained above (the predicted one); null otherwise.</param>
/// <param name="Classes">Multiclass: every class's explanation, in the model's class order; null otherwise.</param>
internal sealed record RowExplanation(
    double Output,
    double Baseline,
    IReadOnlyDictionary<string, double> Attributions,
    string? Class = null,
    IReadOnlyList<ClassExplanation>? Classes = null)
{
    /// <summary>A multiclass row's explanation from each class's, with the predicted class (largest output) first in view.</summary>
    public static RowExplanation Multiclass(IReadOnlyList<ClassExplanation> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var predicted = classes.MaxBy(c => c.Output)!;
        return new RowExplanation(predicted.Output, predicted.Baseline, predicted.Attributions, predicted.Class, classes);
    }
}
