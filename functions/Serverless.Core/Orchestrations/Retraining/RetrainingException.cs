namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>A retraining step that cannot be done as asked; its message is the run's failure reason, shown as it is.</summary>
public sealed class RetrainingException(string message) : InvalidOperationException(message);
