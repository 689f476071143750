using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Governance;

/// <summary>How a governed function hands its <see cref="AuditDetails"/> to <see cref="AuditMiddleware"/>.</summary>
internal static class AuditRecording
{
    /// <summary>The key of the details in the request's (or the function context's) items.</summary>
    public const string ItemKey = "serverless.audit";

    /// <summary>Leaves <paramref name="details"/> for the audit entry of this request.</summary>
    public static void Audit(this HttpRequest request, AuditDetails details) => request.HttpContext.Items[ItemKey] = details;
}
