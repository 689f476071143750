namespace Serverless.Core.Training.Specs;

/// <summary>What a spec may do with missing values (<see cref="MissingValuePolicy"/>).</summary>
public static class MissingValuePolicies
{
    /// <summary>Numeric: replaced inside the model by the training mean.</summary>
    public const string Mean = "mean";

    /// <summary>Categorical: missing is a category of its own.</summary>
    public const string Category = "category";

    /// <summary>The row is dropped.</summary>
    public const string Drop = "drop";
}
