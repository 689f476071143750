namespace Serverless.Core.Batch;

/// <summary>No such batch, or its input blob does not exist; the message says which.</summary>
public sealed class BatchNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BatchNotFoundException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchNotFoundException(string message)
        : base(message)
    {
    }
}
