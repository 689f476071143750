namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>No such retraining for the model. An HTTP edge answers it with 404.</summary>
public sealed class RetrainingNotFoundException(string message) : KeyNotFoundException(message);
