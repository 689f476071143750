namespace Serverless.Core.Serving.Shadow;

/// <summary>One prediction answered by both the alias's version and its shadow.</summary>
/// <param name="PredictionId">The prediction id the caller got.</param>
/// <param name="Agreed">Whether both gave the same label (every label-like output equal); null when the model gives none.</param>
/// <param name="ScoreDifference">Mean absolute difference of the scores (class probabilities, or values); null when there are none.</param>
/// <param name="Outputs">The caller's prediction, as JSON.</param>
/// <param name="ShadowOutputs">The shadow's prediction, as JSON.</param>
internal sealed record ShadowOutcome(string PredictionId, bool? Agreed, double? ScoreDifference, string Outputs, string ShadowOutputs);
