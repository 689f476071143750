namespace Serverless.Core.Training;

/// <summary>No spec (or no such version of one) for a model; the message says how to create one. An HTTP edge answers it with 404.</summary>
public sealed class SpecNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpecNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpecNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpecNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
