using System.Globalization;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Governance;

/// <summary>The audit log over HTTP: read it, filtered and paged, and verify its hash chains.</summary>
public sealed class AuditFunctions(AuditLog log)
{
    private const int DefaultTop = 100;
    private const int MaxTop = 1000;

    /// <summary>
    /// <c>GET /audit</c>, optional <c>?model=</c>, <c>?actor=</c> (subject), <c>?action=</c>, <c>?from=</c> and
    /// <c>?to=</c> (ISO 8601 times), <c>?top=</c> (1 to 1000, default 100) and <c>?continuationToken=</c> (from the
    /// previous page): entries by chain (model) and then oldest first, and the token of the next page if there is one.
    /// </summary>
    [RequireRole(PlatformRoles.Auditor)]
    [Function("GetAuditLog")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int top = DefaultTop;
        if (Query(request, "top") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"'top' must be a whole number from 1 to {MaxTop}, not '{text}'.");
        }

        if (!TryTime(request, "from", out var from, out var fromError))
        {
            return fromError!;
        }

        if (!TryTime(request, "to", out var to, out var toError))
        {
            return toError!;
        }

        var query = new AuditQuery(Query(request, "model"), Query(request, "actor"), Query(request, "action"), from, to);
        return await ApiResults.HandleAsync(request, async () =>
        {
            try
            {
                return new OkObjectResult(await log.QueryAsync(query, top, Query(request, "continuationToken"), cancellationToken));
            }
            catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status400BadRequest)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, "'continuationToken' must be the one a previous page answered, unchanged.");
            }
        });
    }

    /// <summary>
    /// <c>GET /audit/verify</c>, optional <c>?model=</c> (that model's chain only; <c>_platform</c> for actions on no
    /// model): walks the chains recomputing every hash; 200 with <c>verified</c> true, or false and the first break
    /// (chain, sequence, expected and found hash, why).
    /// </summary>
    [RequireRole(PlatformRoles.Auditor)]
    [Function("VerifyAuditLog")]
    public Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/verify")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await log.VerifyAsync(Query(request, "model"), cancellationToken)));

    private static string? Query(HttpRequest request, string name) =>
        request.Query[name].FirstOrDefault() is { Length: > 0 } value ? value : null;

    private static bool TryTime(HttpRequest request, string name, out DateTimeOffset? time, out IActionResult? error)
    {
        time = null;
        error = null;
        if (Query(request, name) is not { } text)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = ApiResults.Error(StatusCodes.Status400BadRequest, $"'{name}' must be a time in ISO 8601, such as 2026-11-27T09:00:00Z, not '{text}'.");
        return false;
    }
}
