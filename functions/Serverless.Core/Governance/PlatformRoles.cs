namespace Serverless.Core.Governance;

/// <summary>The roles a token may carry (Entra ID app roles of the same values).</summary>
public static class PlatformRoles
{
    /// <summary>Asks for predictions.</summary>
    public const string Consumer = "consumer";

    /// <summary>Registers versions, puts specs and datasets, starts retraining.</summary>
    public const string DataScientist = "data-scientist";

    /// <summary>Promotes, rolls back, sets canaries and shadows, runs batches, terminates retraining.</summary>
    public const string Operator = "operator";

    /// <summary>Approves or rejects candidates.</summary>
    public const string Approver = "approver";

    /// <summary>Reads the audit log, monitoring samples and lineage.</summary>
    public const string Auditor = "auditor";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Consumer, DataScientist, Operator, Approver, Auditor];
}
