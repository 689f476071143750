namespace Serverless.Core.Registry;

/// <summary>
/// A model name, version, alias or blob reference the registry cannot accept; the message says what to change. Thrown
/// before any storage call, so a bad key never reaches storage. An HTTP edge answers it with 400.
/// </summary>
public sealed class InvalidRegistryArgumentException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidRegistryArgumentException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidRegistryArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidRegistryArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
