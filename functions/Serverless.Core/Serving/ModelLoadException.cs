namespace Serverless.Core.Serving;

/// <summary>A registered model's artifact cannot be loaded into ONNX Runtime (for example it references external data files); a fault of what is stored, not of the caller (HTTP 500).</summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelLoadException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
