namespace Serverless.Core.Monitoring.Feedback;

/// <summary>A feedback body that is malformed, names a prediction id twice or badly, or carries an actual that does not fit the prediction (HTTP 400).</summary>
public sealed class InvalidFeedbackException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidFeedbackException()
    {
    }

    /// <summary>Creates the exception with a message that says what to change.</summary>
    public InvalidFeedbackException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidFeedbackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
