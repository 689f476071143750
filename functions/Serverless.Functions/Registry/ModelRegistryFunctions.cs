using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Registry;
using Serverless.Core.Serving;

namespace Serverless.Functions.Registry;

/// <summary>The registry's HTTP API: register versions, read lineage, move aliases.</summary>
public sealed class ModelRegistryFunctions(ModelRegistry registry)
{
    /// <summary>
    /// <c>POST /models/{name}/versions</c>: the ONNX file as the body (<c>application/octet-stream</c>); optional query
    /// parameters <c>description</c>, <c>trainingData</c>, <c>registeredBy</c> and <c>metrics</c> (a JSON object of numbers).
    /// </summary>
    [Function("RegisterModelVersion")]
    public async Task<IActionResult> RegisterVersion(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/versions")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, double>? metrics = null;
        if (request.Query["metrics"].FirstOrDefault() is { Length: > 0 } metricsJson)
        {
            try
            {
                metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(metricsJson);
            }
            catch (JsonException)
            {
                return Error(StatusCodes.Status400BadRequest, "'metrics' must be a JSON object of numbers, such as {\"auc\": 0.91}.");
            }
        }

        if (await ApiResults.ReadBodyAsync(request, registry.MaxModelBytes, cancellationToken) is not { } model)
        {
            return TooLarge();
        }

        var metadata = new RegistrationMetadata(
            request.Query["registeredBy"].FirstOrDefault()
                ?? request.Headers["x-ms-client-principal-name"].FirstOrDefault()
                ?? "anonymous",
            request.Query["description"].FirstOrDefault(),
            request.Query["trainingData"].FirstOrDefault(),
            metrics);
        return await ApiResults.HandleAsync(async () =>
        {
            var version = await registry.RegisterAsync(name, model, metadata, cancellationToken);
            return new CreatedResult($"/models/{name}/versions/{version.Version}", version);
        });
    }

    /// <summary><c>GET /models</c>: every model with its latest version and aliases.</summary>
    [Function("ListModels")]
    public async Task<IActionResult> ListModels(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new OkObjectResult(new { models = await registry.ListModelsAsync(cancellationToken) });

    /// <summary><c>GET /models/{name}</c>: the model, its versions, aliases and alias history.</summary>
    [Function("GetModel")]
    public Task<IActionResult> GetModel(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(async () => new OkObjectResult(await registry.GetModelAsync(name, cancellationToken)));

    /// <summary><c>GET /models/{name}/versions/{version}</c>: one version's lineage.</summary>
    [Function("GetModelVersion")]
    public Task<IActionResult> GetVersion(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}/versions/{version:int}")] HttpRequest request,
        string name,
        int version,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(async () => new OkObjectResult(await registry.GetVersionAsync(name, version, cancellationToken)));

    /// <summary><c>PUT /models/{name}/aliases/{alias}</c> with <c>{"version": n}</c>: moves the alias and records it.</summary>
    [Function("SetModelAlias")]
    public async Task<IActionResult> SetAlias(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "models/{name}/aliases/{alias}")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken)
    {
        int version;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("version", out var value) ||
                value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out version) || version < 1)
            {
                return Error(StatusCodes.Status400BadRequest, "The body must be {\"version\": n} with n a registered version number.");
            }
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}");
        }

        string changedBy = request.Headers["x-ms-client-principal-name"].FirstOrDefault() ?? request.Query["changedBy"].FirstOrDefault() ?? "anonymous";
        return await ApiResults.HandleAsync(async () => new OkObjectResult(await registry.SetAliasAsync(name, alias, version, changedBy, cancellationToken)));
    }

    private ObjectResult TooLarge() =>
        Error(StatusCodes.Status413PayloadTooLarge, $"The model is larger than the {registry.MaxModelBytes} bytes allowed (Registry__MaxModelBytes).");

    private static ObjectResult Error(int status, string message) => ApiResults.Error(status, message);
}
