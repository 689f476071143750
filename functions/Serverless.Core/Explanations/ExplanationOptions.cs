namespace Serverless.Core.Explanations;

/// <summary>Settings of per-prediction explanations (section <c>Explanations</c>).</summary>
public sealed class ExplanationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Explanations";

    /// <summary>
    /// Background rows drawn from the version's training baseline: what the exact methods measure against (tree covers,
    /// linear means).
    /// </summary>
    public int BackgroundRows { get; set; } = 200;

    /// <summary>Of those, how many Kernel SHAP averages over for each coalition (its cost grows with this).</summary>
    public int KernelBackgroundRows { get; set; } = 32;

    /// <summary>
    /// Most coalitions Kernel SHAP evaluates per row. A model with few enough inputs that all coalitions fit is explained
    /// exactly; otherwise this many are sampled (with a fixed seed) and the attributions fitted to them.
    /// </summary>
    public int KernelSamples { get; set; } = 512;

    /// <summary>Most rows one explanation request (or <c>/predict?explain=true</c>) may ask to explain.</summary>
    public int MaxRows { get; set; } = 100;

    /// <summary>
    /// Longest one request's explanations may take; a request that runs longer is stopped and answered with a limit
    /// error (Kernel SHAP costs a model run per coalition and background row, so many rows of a large model could
    /// otherwise hold a worker for minutes).
    /// </summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromSeconds(30);
}
