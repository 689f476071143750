namespace Serverless.Core.Monitoring.Feedback;

/// <summary>Feedback for predictions that already carry a different actual (HTTP 409).</summary>
public sealed class FeedbackConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FeedbackConflictException()
    {
    }

    /// <summary>Creates the exception with a message that says what to change.</summary>
    public FeedbackConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public FeedbackConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
