namespace Serverless.Core.Monitoring.Statistics;

/// <summary>The conventional reading of a Population Stability Index (see <see cref="PopulationStability"/>).</summary>
public enum PsiReading
{
    /// <summary>Below <see cref="PopulationStability.ModerateThreshold"/>: no meaningful shift.</summary>
    Stable,

    /// <summary>From <see cref="PopulationStability.ModerateThreshold"/> to <see cref="PopulationStability.SignificantThreshold"/>: worth a look.</summary>
    Moderate,

    /// <summary>Above <see cref="PopulationStability.SignificantThreshold"/>: the distribution has shifted.</summary>
    Significant,
}
