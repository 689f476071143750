namespace Serverless.Core.Training.Specs;

/// <summary>The approval modes a spec may name.</summary>
public static class ApprovalModes
{
    /// <summary>A candidate that passed its gates is promoted at once.</summary>
    public const string Automatic = "automatic";

    /// <summary>A person approves or rejects; the candidate is rejected when the timeout passes first.</summary>
    public const string Manual = "manual";
}
