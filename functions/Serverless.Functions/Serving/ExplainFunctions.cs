using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Explanations;
using Serverless.Core.Governance;
using Serverless.Core.Serving;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Serving;

/// <summary>Explanations of predictions: per-feature attributions for rows of the records API.</summary>
public sealed class ExplainFunctions(InferenceService inference, ExplanationService explanations)
{
    /// <summary>
    /// <c>POST /models/{name}/explain</c> with <c>{"rows": [{feature: value, ...}]}</c>, the body of <c>predict</c>: per
    /// row, attributions that sum to the output minus the baseline, with the space, method and baseline named. Query
    /// <c>version</c> or <c>alias</c> chooses another version than <c>production</c>. Routed as <c>predict</c> is: an
    /// alias's canary explains its share of the requests, sticky by the <c>X-Routing-Key</c> header or the body's
    /// <c>routing_key</c>, so a caller's explanation is of the version that answers its predictions; the answer's
    /// <c>model_version</c> names it.
    /// </summary>
    [RequireRole(PlatformRoles.Consumer, AllowFunctionKey = true)]
    [Function("ExplainRecords")]
    public async Task<IActionResult> Explain(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/explain")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        if (await ApiResults.ReadBodyAsync(request, inference.MaxRequestBytes, cancellationToken) is not { } body)
        {
            return ApiResults.Error(
                StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than the {inference.MaxRequestBytes} bytes allowed (Serving__MaxRequestBytes).");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var info = await inference.RouteRecordsAsync(
                name, request.Query["version"].FirstOrDefault(), request.Query["alias"].FirstOrDefault(), body, InferenceFunctions.RoutingKey(request), cancellationToken);
            return ApiResults.Json(await explanations.ExplainAsync(info, body, cancellationToken));
        });
    }

    /// <summary>
    /// <c>GET /models/{name}/versions/{version}/importance</c>: the version's global feature importance (mean absolute
    /// attribution over the background from its training baseline), for the approver to weigh beside the metrics and
    /// fairness figures of its review (<c>/models/{name}/versions/{version}/lineage</c>).
    /// </summary>
    [RequireRole(PlatformRoles.Approver, PlatformRoles.DataScientist, PlatformRoles.Auditor)]
    [Function("VersionImportance")]
    public Task<IActionResult> Importance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version}/importance")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () =>
        {
            var info = await inference.ResolveAsync(name, version, null, cancellationToken);
            return ApiResults.Json(await explanations.ImportanceAsync(info, cancellationToken));
        });
}
