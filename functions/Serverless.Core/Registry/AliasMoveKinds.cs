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

    /// <summary>A canary version started taking a share of the alias's traffic (<c>PUT .../canary</c>); the alias itself did not move.</summary>
    public const string CanaryStart = "canary-start";

    /// <summary>The canary version became the alias's version (<c>POST .../canary/promote</c>).</summary>
    public const string CanaryPromotion = "canary-promotion";

    /// <summary>The canary stopped (<c>DELETE .../canary</c>, or an alias move it no longer fits); the alias did not move for it.</summary>
    public const string CanaryAbort = "canary-abort";

    /// <summary>A shadow version started getting a copy of the alias's traffic (<c>PUT .../shadow</c>).</summary>
    public const string ShadowStart = "shadow-start";

    /// <summary>The shadow stopped (<c>DELETE .../shadow</c>, or an alias move it no longer fits).</summary>
    public const string ShadowStop = "shadow-stop";
}
