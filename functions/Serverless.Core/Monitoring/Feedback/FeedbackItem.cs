using System.Text.Json;

namespace Serverless.Core.Monitoring.Feedback;

/// <summary>The true label or value of one prediction.</summary>
/// <param name="PredictionId">The prediction id the answer carried (a UUID version 7, for a split <c>/infer</c> row with <c>.row</c>), in canonical form.</param>
/// <param name="Actual">The true label (a class, for a classifier) or value (a number, for a regressor): a JSON string, number or boolean.</param>
public sealed record FeedbackItem(string PredictionId, JsonElement Actual);
