namespace Serverless.Core.Serving;

/// <summary>An inference or prediction request the model cannot take; the message says what to change (HTTP 400).</summary>
public sealed class InvalidInferenceRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidInferenceRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidInferenceRequestException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidInferenceRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
