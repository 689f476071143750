namespace Serverless.Core.Governance.Audit;

/// <summary>How a governed action ended.</summary>
public static class AuditOutcomes
{
    /// <summary>It was done (a 2xx answer).</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The caller was refused (a 4xx answer: no or bad token, missing role, bad input, conflict).</summary>
    public const string Refused = "refused";

    /// <summary>The platform failed (a 5xx answer or an exception).</summary>
    public const string Failed = "failed";

    /// <summary>The outcome an HTTP status stands for.</summary>
    public static string FromStatus(int status) => status switch
    {
        < 400 => Succeeded,
        < 500 => Refused,
        _ => Failed,
    };
}
