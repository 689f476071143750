namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// What this instance's sampler has done since it started: every sample is, at any moment, sent, dropped or buffered,
/// so <c>Sampled == Sent + Dropped + Buffered</c> once no sample is in flight between them.
/// </summary>
/// <param name="Sampled">Samples the rate chose.</param>
/// <param name="Sent">Samples in messages the queue accepted.</param>
/// <param name="Dropped">Samples dropped: the buffer was full, a sample alone was too large for a message, or the app stopped while storage was down.</param>
/// <param name="Buffered">Samples waiting to be sent (in the buffer or in a batch being sent).</param>
public sealed record SamplingStatistics(long Sampled, long Sent, long Dropped, long Buffered);
