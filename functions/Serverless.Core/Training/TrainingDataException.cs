namespace Serverless.Core.Training;

/// <summary>
/// The data cannot be trained on as the spec reads it: a missing file, a column the data lacks, a value that is not a
/// number, a label with one class, a protected attribute with a single group, no rows left, a file over the size
/// limit. The message says exactly what and where. An HTTP edge answers it with 400 at upload time; a retraining ends
/// failed with it.
/// </summary>
public sealed class TrainingDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDataException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
