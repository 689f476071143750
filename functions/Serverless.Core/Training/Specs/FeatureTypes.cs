namespace Serverless.Core.Training.Specs;

/// <summary>The feature types a spec may name.</summary>
public static class FeatureTypes
{
    /// <summary>A number; the model input is a float tensor.</summary>
    public const string Numeric = "numeric";

    /// <summary>A category; the model input is a string tensor, one-hot encoded inside the model.</summary>
    public const string Categorical = "categorical";
}
