using Azure;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>The outcome of claiming a window for evaluation: claimed (with the row's ETag), already evaluated, or being evaluated elsewhere.</summary>
internal sealed record WindowClaim(ETag? ETag, bool Done)
{
    public static WindowClaim AlreadyDone { get; } = new(null, true);

    public static WindowClaim Busy { get; } = new(null, false);

    public bool Claimed => ETag is not null;
}
