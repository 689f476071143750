namespace Serverless.Core.Registry;

/// <summary>
/// Other writers kept changing the same model while the registry retried its transaction; nothing was written. The
/// client may try again. An HTTP edge answers it with 409.
/// </summary>
public sealed class RegistryConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryConflictException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryConflictException(string message)
        : base(message)
    {
    }
}
