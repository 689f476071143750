namespace Serverless.Core.Monitoring.Sampling;

/// <summary>One queue message's JSON and the samples it carries.</summary>
internal sealed record SampleMessage(string Json, IReadOnlyList<PredictionSample> Samples);
