using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training;

/// <summary>A spec that cannot be stored: every error at once, each naming its field. An HTTP edge answers it with 400.</summary>
public sealed class InvalidSpecException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/>; the message lists each as <c>field: message</c>.</summary>
    public InvalidSpecException(IReadOnlyList<SpecError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception.</summary>
    public InvalidSpecException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one error at the spec's root.</summary>
    public InvalidSpecException(string message)
        : this([new SpecError(string.Empty, message)])
    {
    }

    /// <summary>Creates the exception with one error at the spec's root.</summary>
    public InvalidSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new SpecError(string.Empty, message)];
    }

    /// <summary>What is wrong, each naming its field as a JSON path.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Describe(IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"The spec has {count}: " + string.Join("; ", errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}"));
    }
}
