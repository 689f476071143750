namespace Serverless.Core.Explanations;

/// <summary>The version cannot be explained as asked (no background to measure against, an unsupported model); the message says why and what to do.</summary>
public sealed class ExplanationUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExplanationUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExplanationUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExplanationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
