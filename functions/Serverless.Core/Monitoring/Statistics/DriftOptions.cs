namespace Serverless.Core.Monitoring.Statistics;

/// <summary>When a drift test flags a feature.</summary>
/// <param name="PsiThreshold">PSI above this is drift (default 0.25, the conventional "significant").</param>
/// <param name="PValueThreshold">A KS or chi-square p-value below this is drift (default 0.01).</param>
/// <param name="MinimumSampleSize">Fewer live values than this and a test reports "not enough data" and flags nothing (default 50).</param>
public sealed record DriftOptions(double PsiThreshold = 0.25, double PValueThreshold = 0.01, int MinimumSampleSize = 50)
{
    /// <summary>The defaults.</summary>
    public static DriftOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">PsiThreshold is not positive and finite, PValueThreshold is not between 0 and 1 (exclusive), or MinimumSampleSize is less than 1.</exception>
    public void Validate()
    {
        if (!(PsiThreshold > 0 && double.IsFinite(PsiThreshold)))
        {
            throw new ArgumentOutOfRangeException(nameof(PsiThreshold), PsiThreshold, "The PSI threshold must be a positive number (0.25 is usual).");
        }

        if (!(PValueThreshold > 0 && PValueThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(PValueThreshold), PValueThreshold, "The p-value threshold must be between 0 and 1 (0.01 is usual).");
        }

        if (MinimumSampleSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSampleSize), MinimumSampleSize, "The minimum sample size must be 1 or more (50 is usual).");
        }
    }
}
