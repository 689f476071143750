namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>The steps of a retraining, in order.</summary>
public static class RetrainingSteps
{
    /// <summary>Freeze the data and profile it.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Train and register the candidate.</summary>
    public const string Train = "train";

    /// <summary>Evaluate candidate and champion on the same holdout.</summary>
    public const string Evaluate = "evaluate";

    /// <summary>Apply the spec's gates.</summary>
    public const string Gates = "gates";

    /// <summary>Wait for a reviewer, when the spec says so.</summary>
    public const string Approval = "approval";

    /// <summary>Move production to the candidate.</summary>
    public const string Promote = "promote";
}
