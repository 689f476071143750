using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;
using Serverless.Core.Serving.Routing;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Serving;

/// <summary>Predictions: the Open Inference Protocol's <c>infer</c> and the records API's <c>predict</c>.</summary>
public sealed class InferenceFunctions(InferenceService inference)
{
    /// <summary>
    /// <c>POST /v2/models/{name}/infer</c>: runs the <c>production</c> version, or its canary for the canary's share of
    /// the requests (sticky by the <c>X-Routing-Key</c> header or <c>parameters.routing_key</c>).
    /// </summary>
    [RequireRole(PlatformRoles.Consumer, AllowFunctionKey = true)]
    [Function("ModelInfer")]
    public Task<IActionResult> Infer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/infer")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        Run(request, body => inference.InferAsync(name, null, body, cancellationToken, RoutingKey(request)), cancellationToken);

    /// <summary><c>POST /v2/models/{name}/versions/{version}/infer</c>: runs one version (never split to a canary).</summary>
    [RequireRole(PlatformRoles.Consumer, AllowFunctionKey = true)]
    [Function("ModelVersionInfer")]
    public Task<IActionResult> InferVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/versions/{version}/infer")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken) =>
        Run(request, body => inference.InferAsync(name, version, body, cancellationToken), cancellationToken);

    /// <summary>
    /// <c>POST /models/{name}/predict</c> with <c>{"rows": [{feature: value, ...}]}</c>: a prediction per row. Query
    /// <c>version</c> or <c>alias</c> chooses another version than <c>production</c>; <c>explain=true</c> adds an
    /// explanation per prediction (as <c>/models/{name}/explain</c> gives). Served through an alias, its canary takes its
    /// share of the requests, sticky by the <c>X-Routing-Key</c> header or the body's top-level <c>routing_key</c>.
    /// </summary>
    [RequireRole(PlatformRoles.Consumer, AllowFunctionKey = true)]
    [Function("PredictRecords")]
    public Task<IActionResult> Predict(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/predict")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        Run(
            request,
            body => inference.PredictAsync(
                name,
                request.Query["version"].FirstOrDefault(),
                request.Query["alias"].FirstOrDefault(),
                body,
                cancellationToken,
                string.Equals(request.Query["explain"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase),
                RoutingKey(request)),
            cancellationToken);

    /// <summary><c>GET /serving/cache</c>: what the model cache of this instance holds and has done.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("ModelCacheStatistics")]
    public IActionResult Statistics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "serving/cache")] HttpRequest request) =>
        ApiResults.Json(inference.GetCacheStatistics(), ServingJsonContext.Default.ModelCacheStatistics);

    /// <summary>The routing key the caller sent in the <c>X-Routing-Key</c> header, if any.</summary>
    internal static string? RoutingKey(HttpRequest request) =>
        request.Headers[CanaryRouter.Header].FirstOrDefault() is { Length: > 0 } key ? key : null;

    private async Task<IActionResult> Run(HttpRequest request, Func<byte[], Task<ReadOnlyMemory<byte>>> run, CancellationToken cancellationToken)
    {
        if (await ApiResults.ReadBodyAsync(request, inference.MaxRequestBytes, cancellationToken) is not { } body)
        {
            return ApiResults.Error(
                StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than the {inference.MaxRequestBytes} bytes allowed (Serving__MaxRequestBytes).");
        }

        return await ApiResults.HandleAsync(request, async () => ApiResults.Json(await run(body)));
    }
}
