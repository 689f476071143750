namespace Serverless.Core.Training.Specs;

/// <summary>The tasks a spec may name.</summary>
public static class ModelTasks
{
    /// <summary>Two classes, one of them the positive.</summary>
    public const string Binary = "binary";

    /// <summary>Three or more classes.</summary>
    public const string Multiclass = "multiclass";

    /// <summary>A number.</summary>
    public const string Regression = "regression";
}
