namespace Serverless.Core.Registry;

/// <summary>An alias has no earlier version to go back to. An HTTP edge answers it with 409.</summary>
public sealed class NoRollbackTargetException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NoRollbackTargetException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NoRollbackTargetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NoRollbackTargetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
