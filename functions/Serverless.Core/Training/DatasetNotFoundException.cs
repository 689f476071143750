namespace Serverless.Core.Training;

/// <summary>No dataset uploaded under a name; the message says how to upload one. An HTTP edge answers it with 404.</summary>
public sealed class DatasetNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
