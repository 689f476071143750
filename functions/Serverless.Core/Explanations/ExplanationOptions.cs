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
}
