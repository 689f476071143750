using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Server;

/// <summary>The Open Inference Protocol's model metadata endpoints, answered from the registry.</summary>
public sealed class ModelMetadataFunctions(ModelRegistry registry)
{
    /// <summary>The alias <c>/v2/models/{name}</c> serves.</summary>
    public const string ServingAlias = "production";

    /// <summary><c>GET /v2/models/{name}</c>: metadata of the version the <c>production</c> alias points at.</summary>
    [Function("ModelMetadata")]
    public Task<IActionResult> GetModelMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        Handle(() => registry.GetByAliasAsync(name, ServingAlias, cancellationToken));

    /// <summary><c>GET /v2/models/{name}/versions/{version}</c>: metadata of one version.</summary>
    [Function("ModelVersionMetadata")]
    public Task<IActionResult> GetModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version,
        CancellationToken cancellationToken) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number > 0
            ? Handle(() => registry.GetVersionAsync(name, number, cancellationToken))
            : Task.FromResult<IActionResult>(new NotFoundObjectResult(new ErrorResponse($"Model '{name}' has no version '{version}': versions are numbers 1, 2, 3...")));

    private static Task<IActionResult> Handle(Func<Task<ModelVersionInfo>> resolve) =>
        RegistryResults.HandleAsync(async () => new OkObjectResult(ModelMetadataResponse.From(await resolve())));
}
