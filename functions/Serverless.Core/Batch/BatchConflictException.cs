namespace Serverless.Core.Batch;

/// <summary>The batch cannot start because of what is already there (an output prefix with blobs under it); the message says which.</summary>
public sealed class BatchConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BatchConflictException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchConflictException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchConflictException(string message)
        : base(message)
    {
    }
}
