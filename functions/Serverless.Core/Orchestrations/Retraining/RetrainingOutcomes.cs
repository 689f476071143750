namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>How a retraining can end.</summary>
public static class RetrainingOutcomes
{
    /// <summary>The candidate is production now.</summary>
    public const string Promoted = "promoted";

    /// <summary>The candidate failed a gate, was rejected by a reviewer, or nobody approved it in time; it stays registered.</summary>
    public const string Rejected = "rejected";

    /// <summary>A step could not be done (bad data, a model that cannot be evaluated...); nothing was promoted.</summary>
    public const string Failed = "failed";

    /// <summary>An operator stopped it; nothing was promoted after that.</summary>
    public const string Terminated = "terminated";
}
