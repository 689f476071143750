namespace Serverless.Core.Registry;

/// <summary>Why an alias moved, as its history records it.</summary>
public static class AliasMoveKinds
{
    /// <summary>Someone pointed it with <c>PUT /models/{name}/aliases/{alias}</c>.</summary>
    public const string Manual = "manual";

    /// <summary>A retraining promoted its candidate.</summary>
    public const string Promotion = "promotion";

    /// <summary>It went back to the version it pointed at before.</summary>
    public const string Rollback = "rollback";
}
