using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Server;

/// <summary>The Open Inference Protocol's model metadata and model-ready endpoints, answered from the registry.</summary>
public sealed class ModelMetadataFunctions(InferenceService inference)
{
    /// <summary><c>GET /v2/models/{name}</c>: metadata of the version the <c>production</c> alias points at.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor, AllowFunctionKey = true)]
    [Function("ModelMetadata")]
    public Task<IActionResult> GetModelMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        Metadata(request, name, null, cancellationToken);

    /// <summary><c>GET /v2/models/{name}/versions/{version}</c>: metadata of one version.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor, AllowFunctionKey = true)]
    [Function("ModelVersionMetadata")]
    public Task<IActionResult> GetModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken) =>
        Metadata(request, name, version, cancellationToken);

    /// <summary>
    /// <c>GET /v2/models/{name}/ready</c>: 200 once the <c>production</c> version is loaded and can serve (loading it if
    /// it is not, so this also warms a model up); 404 for an unknown model.
    /// </summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor, AllowFunctionKey = true)]
    [Function("ModelReady")]
    public Task<IActionResult> GetModelReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/ready")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        Ready(request, name, null, cancellationToken);

    /// <summary><c>GET /v2/models/{name}/versions/{version}/ready</c>: as model ready, for one version.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor, AllowFunctionKey = true)]
    [Function("ModelVersionReady")]
    public Task<IActionResult> GetModelVersionReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}/ready")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken) =>
        Ready(request, name, version, cancellationToken);

    private Task<IActionResult> Metadata(HttpRequest request, string name, string? version, CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => ApiResults.Json(
            ModelMetadataResponse.From(await inference.ResolveAsync(name, version, null, cancellationToken)),
            ServingJsonContext.Default.ModelMetadataResponse));

    private Task<IActionResult> Ready(HttpRequest request, string name, string? version, CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () =>
        {
            var ready = await inference.EnsureReadyAsync(name, version, cancellationToken);
            return ApiResults.Json(
                new ModelReadyResponse(ready.Name, ready.Version.ToString(CultureInfo.InvariantCulture), true),
                ServingJsonContext.Default.ModelReadyResponse);
        });
}
