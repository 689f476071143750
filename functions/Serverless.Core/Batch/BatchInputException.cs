namespace Serverless.Core.Batch;

/// <summary>The batch's input cannot be scored as a whole (unreadable, malformed, lacking a feature); the message says why.</summary>
public sealed class BatchInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BatchInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchInputException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchInputException(string message)
        : base(message)
    {
    }
}
