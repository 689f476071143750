namespace Serverless.Core.Monitoring.Feedback;

/// <summary>Feedback for prediction ids with no stored sample of the model (HTTP 404): only sampled predictions can take feedback.</summary>
public sealed class UnknownPredictionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownPredictionException()
    {
    }

    /// <summary>Creates the exception with a message that says what to change.</summary>
    public UnknownPredictionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnknownPredictionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
