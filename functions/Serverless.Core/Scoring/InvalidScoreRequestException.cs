namespace Serverless.Core.Scoring;

/// <summary>A score request message that cannot be scored as written; the message says what is wrong.</summary>
public sealed class InvalidScoreRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidScoreRequestException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidScoreRequestException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidScoreRequestException(string message)
        : base(message)
    {
    }
}
