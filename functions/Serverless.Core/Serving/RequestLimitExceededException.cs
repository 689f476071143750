namespace Serverless.Core.Serving;

/// <summary>A request asks for more than the server allows one request (output values, response bytes, run time or inference memory); the message names the limit and its setting (HTTP 422).</summary>
public sealed class RequestLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RequestLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestLimitExceededException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
