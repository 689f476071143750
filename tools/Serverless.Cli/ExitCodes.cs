namespace Serverless.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Done; for a followed retraining: promoted.</summary>
    public const int Success = 0;

    /// <summary>The platform failed (5xx) or could not be reached; a followed retraining failed or was terminated.</summary>
    public const int Failure = 1;

    /// <summary>The request was refused (4xx) or the command line or a local file was wrong.</summary>
    public const int ClientError = 2;

    /// <summary>A followed retraining ended rejected (gates, a reviewer or the approval timeout).</summary>
    public const int Rejected = 3;

    /// <summary>A followed retraining is waiting for someone to approve or reject it.</summary>
    public const int AwaitingApproval = 4;
}
