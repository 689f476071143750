namespace Serverless.Core.Serving;

/// <summary>
/// A stored artifact's bytes do not hash to the SHA-256 the registry recorded for them, so the model is not served.
/// A fault of the platform's storage, not of the caller (HTTP 500).
/// </summary>
public sealed class ModelIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelIntegrityException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
