namespace Serverless.Core.Registry;

/// <summary>The model is larger than <c>Registry__MaxModelBytes</c>. An HTTP edge answers it with 413.</summary>
public sealed class ModelTooLargeException : Exception
{
    /// <summary>Creates the exception for a model over <paramref name="maxModelBytes"/>.</summary>
    public ModelTooLargeException(long maxModelBytes)
        : base($"The model is larger than the {maxModelBytes} bytes allowed (Registry__MaxModelBytes). Larger models are not accepted; check the file is the model you meant.")
    {
        MaxModelBytes = maxModelBytes;
    }

    /// <summary>Creates the exception.</summary>
    public ModelTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The limit that was passed.</summary>
    public long MaxModelBytes { get; }
}
