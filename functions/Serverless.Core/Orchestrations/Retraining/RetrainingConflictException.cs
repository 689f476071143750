namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>A retraining of the model is already running. An HTTP edge answers it with 409 naming the running one.</summary>
public sealed class RetrainingConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RetrainingConflictException(string model, string runningInstanceId)
        : base($"A retraining of model '{model}' is already running: '{runningInstanceId}'. Wait for it to end, or terminate it (POST /models/{model}/retrainings/{runningInstanceId}/terminate).")
    {
        RunningInstanceId = runningInstanceId;
    }

    /// <summary>The running retraining.</summary>
    public string RunningInstanceId { get; } = string.Empty;
}
