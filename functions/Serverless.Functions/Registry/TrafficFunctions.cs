using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Shadow;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;
using Serverless.Functions.Retraining;

namespace Serverless.Functions.Registry;

/// <summary>
/// How an alias splits and copies its traffic: a canary version that takes a share of the requests (started,
/// promoted, aborted) and a shadow version that answers a copy of them for comparison. Each change is recorded in the
/// alias history with who made it and the body's optional <c>reason</c>, and in the audit log. Anonymous at the host:
/// the app's role check is the only gate.
/// </summary>
public sealed class TrafficFunctions(ModelRegistry registry, ShadowStore shadows)
{
    private const long MaxJsonBodyBytes = 64 * 1024;

    private const string ReasonShape = "empty, or {\"reason\": \"why\"}";
    private const string CanaryShape = "{\"version\": n, \"weight\": w} with w above 0 and below 1 (0.1 sends 10% of the requests to version n), and an optional \"reason\"";
    private const string ShadowShape = "{\"version\": n} and an optional \"reason\"";

    /// <summary><c>PUT /models/{name}/aliases/{alias}/canary</c> with <c>{"version": n, "weight": w, "reason": "..."}</c> (0 &lt; w &lt; 1).</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("SetAliasCanary")]
    [Audited(AuditActions.CanarySet)]
    public Task<IActionResult> SetCanary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "models/{name}/aliases/{alias}/canary")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken) =>
        ChangeAsync<CanaryBody>(request, CanaryShape, body => body is { Version: not null, Weight: not null }, async body =>
        {
            int version = body!.Version!.Value;
            double weight = body.Weight!.Value;
            var change = await registry.SetCanaryAsync(name, alias, version, weight, Principal(request), body.Reason, cancellationToken);
            return (change, new AuditDetails(After: string.Create(CultureInfo.InvariantCulture, $"canary version {version} at weight {weight}"), Version: version));
        }, cancellationToken);

    /// <summary><c>POST /models/{name}/aliases/{alias}/canary/promote</c>, optional <c>{"reason": "..."}</c>: the canary becomes the alias's version.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("PromoteAliasCanary")]
    [Audited(AuditActions.CanaryPromote)]
    public Task<IActionResult> PromoteCanary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/aliases/{alias}/canary/promote")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken) =>
        ChangeAsync<ReasonBody>(request, ReasonShape, _ => true, async body =>
        {
            var change = await registry.PromoteCanaryAsync(name, alias, Principal(request), body?.Reason, cancellationToken);
            return (change, new AuditDetails(Before: Text(change.PreviousVersion), After: Text(change.Version), Version: change.Version));
        }, cancellationToken);

    /// <summary><c>DELETE /models/{name}/aliases/{alias}/canary</c>, optional <c>{"reason": "..."}</c>: every request goes to the alias's version again.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("AbortAliasCanary")]
    [Audited(AuditActions.CanaryAbort)]
    public Task<IActionResult> AbortCanary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "models/{name}/aliases/{alias}/canary")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken) =>
        ChangeAsync<ReasonBody>(request, ReasonShape, _ => true, async body =>
        {
            var change = await registry.AbortCanaryAsync(name, alias, Principal(request), body?.Reason, cancellationToken);
            return (change, new AuditDetails(Before: string.Create(CultureInfo.InvariantCulture, $"canary version {change.CanaryVersion} at weight {change.CanaryWeight}"), Version: change.CanaryVersion));
        }, cancellationToken);

    /// <summary><c>PUT /models/{name}/aliases/{alias}/shadow</c> with <c>{"version": n, "reason": "..."}</c>: version n answers a copy of the alias's traffic.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("SetAliasShadow")]
    [Audited(AuditActions.ShadowSet)]
    public Task<IActionResult> SetShadow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "models/{name}/aliases/{alias}/shadow")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken) =>
        ChangeAsync<ShadowBody>(request, ShadowShape, body => body is { Version: not null }, async body =>
        {
            int version = body!.Version!.Value;
            var change = await registry.SetShadowAsync(name, alias, version, Principal(request), body.Reason, cancellationToken);
            return (change, new AuditDetails(After: $"shadow version {Text(version)}", Version: version));
        }, cancellationToken);

    /// <summary><c>DELETE /models/{name}/aliases/{alias}/shadow</c>, optional <c>{"reason": "..."}</c>: the shadow stops.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("StopAliasShadow")]
    [Audited(AuditActions.ShadowStop)]
    public Task<IActionResult> StopShadow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "models/{name}/aliases/{alias}/shadow")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken) =>
        ChangeAsync<ReasonBody>(request, ReasonShape, _ => true, async body =>
        {
            var change = await registry.RemoveShadowAsync(name, alias, Principal(request), body?.Reason, cancellationToken);
            return (change, new AuditDetails(Before: $"shadow version {Text(change.ShadowVersion)}", Version: change.ShadowVersion));
        }, cancellationToken);

    /// <summary>
    /// <c>GET /models/{name}/shadow</c>: the model's shadow comparisons, all together and per alias, version and shadow
    /// version: predictions compared, agreement rate, mean score difference; copies dropped and failed.
    /// </summary>
    [RequireRole(PlatformRoles.Operator, PlatformRoles.DataScientist, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetShadowComparison")]
    public Task<IActionResult> GetShadow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/shadow")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await shadows.SummarizeAsync(name, cancellationToken)));

    /// <summary>
    /// Every change's shape: reads the JSON body (a 4xx naming <paramref name="shape"/> when it is not JSON of that
    /// shape, or <paramref name="complete"/> says a required field is missing), makes the change, records its audit
    /// details and answers 200 with the alias change; the registry's refusals are mapped by <see cref="ApiResults.HandleAsync"/>.
    /// </summary>
    private static async Task<IActionResult> ChangeAsync<TBody>(
        HttpRequest request, string shape, Func<TBody?, bool> complete, Func<TBody?, Task<(AliasChange Change, AuditDetails Audit)>> change, CancellationToken cancellationToken)
        where TBody : class
    {
        var (body, error) = await ApiResults.ReadJsonAsync<TBody>(request, MaxJsonBodyBytes, shape, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!complete(body))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"The body must be {shape}.");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var (made, audit) = await change(body);
            request.Audit(audit);
            return new OkObjectResult(made);
        });
    }

    private static string? Text(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    // Who acts comes only from the validated token, never from what the caller writes in the query or body.
    private static string Principal(HttpRequest request) => CallerContext.Get(request)?.Name ?? "anonymous";
}
