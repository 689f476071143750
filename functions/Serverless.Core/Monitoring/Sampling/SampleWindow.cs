namespace Serverless.Core.Monitoring.Sampling;

/// <summary>One model's window: the model and the window's start (UTC).</summary>
/// <param name="Model">The model.</param>
/// <param name="Start">The window's start.</param>
public sealed record SampleWindow(string Model, DateTimeOffset Start);
