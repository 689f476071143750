namespace Serverless.Core.Monitoring.Feedback;

/// <summary>What a feedback call stored.</summary>
/// <param name="Recorded">Predictions whose actual was recorded by this call.</param>
/// <param name="Unchanged">Predictions that already carried the same actual (sent again; nothing written).</param>
public sealed record FeedbackResult(int Recorded, int Unchanged);
