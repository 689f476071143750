namespace Serverless.Core.Training;

/// <summary>An uploaded dataset is larger than <c>Training__MaxDatasetBytes</c>. An HTTP edge answers it with 413.</summary>
public sealed class DatasetTooLargeException : Exception
{
    /// <summary>Creates the exception for a dataset over <paramref name="maxDatasetBytes"/>.</summary>
    public DatasetTooLargeException(long maxDatasetBytes)
        : base($"The dataset is larger than the {maxDatasetBytes} bytes allowed (Training__MaxDatasetBytes). Put larger data in a blob container the spec's data.source may read (Training__DataContainers) instead of uploading it.")
    {
        MaxDatasetBytes = maxDatasetBytes;
    }

    /// <summary>Creates the exception.</summary>
    public DatasetTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatasetTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DatasetTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The limit that was passed.</summary>
    public long MaxDatasetBytes { get; }
}
