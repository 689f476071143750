namespace Serverless.Core.Registry;

/// <summary>The uploaded file is not a model ONNX Runtime can load; the message says why.</summary>
public sealed class InvalidModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidModelException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidModelException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidModelException(string message)
        : base(message)
    {
    }
}
