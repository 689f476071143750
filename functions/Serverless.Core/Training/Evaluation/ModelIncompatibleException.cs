namespace Serverless.Core.Training.Evaluation;

/// <summary>
/// A model cannot be evaluated on a holdout: it takes inputs the holdout lacks (a champion trained on other columns),
/// takes them in a type or shape the data cannot fill, or has no output the task's metrics can be read from. Its
/// figures are not comparable with the candidate's.
/// </summary>
public sealed class ModelIncompatibleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelIncompatibleException(string message, IReadOnlyList<string> missingInputs)
        : base(message)
    {
        MissingInputs = missingInputs;
    }

    /// <summary>Creates the exception.</summary>
    public ModelIncompatibleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelIncompatibleException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelIncompatibleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The model's inputs the holdout has no column for (empty when the problem is another).</summary>
    public IReadOnlyList<string> MissingInputs { get; } = [];
}
