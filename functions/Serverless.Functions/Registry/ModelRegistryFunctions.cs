using System.Globalization;
using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Governance;
using Serverless.Core.Registry;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Registry;

/// <summary>The registry's HTTP API: register versions, read lineage, move aliases.</summary>
public sealed class ModelRegistryFunctions(ModelRegistry registry)
{
    /// <summary>Largest JSON body (an alias move, a registration by reference: a blob path and metadata).</summary>
    private const long MaxJsonBodyBytes = 64 * 1024;

    /// <summary>
    /// <c>POST /models/{name}/versions</c>, in one of two forms. An upload: the ONNX file as the body
    /// (<c>application/octet-stream</c>, up to <c>Registry__MaxModelBytes</c>, streamed to disk while hashed) with
    /// optional query parameters <c>description</c>, <c>trainingData</c>, <c>registeredBy</c> and <c>metrics</c> (a JSON
    /// object of numbers). Or by reference, for models already in the app's storage account
    /// (<c>application/json</c>): <c>{"blob": "container/path.onnx", "description": ..., "trainingData": ...,
    /// "metrics": {...}, "registeredBy": ...}</c>.
    /// </summary>
    [RequireRole(PlatformRoles.DataScientist)]
    [Function("RegisterModelVersion")]
    [Audited(AuditActions.ModelRegister)]
    public async Task<IActionResult> RegisterVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/versions")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        if (request.HasJsonContentType())
        {
            return await RegisterByReferenceAsync(request, name, cancellationToken);
        }

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

        var metadata = new RegistrationMetadata(
            Principal(request),
            request.Query["description"].FirstOrDefault(),
            request.Query["trainingData"].FirstOrDefault(),
            metrics,
            RegisteredBySubject: CallerContext.Get(request)?.Subject);
        return await ApiResults.HandleAsync(request, async () =>
        {
            if (request.ContentLength > registry.MaxModelBytes)
            {
                // Refused before a byte of the body is read.
                throw new ModelTooLargeException(registry.MaxModelBytes);
            }

            return Created(request, await registry.RegisterAsync(name, request.Body, metadata, cancellationToken));
        });
    }

    private async Task<IActionResult> RegisterByReferenceAsync(HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (await ApiResults.ReadBodyAsync(request, MaxJsonBodyBytes, cancellationToken) is not { } body)
        {
            return Error(StatusCodes.Status413PayloadTooLarge,
                $"A registration by reference is a JSON object of at most {MaxJsonBodyBytes} bytes; to upload the model itself, send it as application/octet-stream.");
        }

        RegisterByReferenceRequest? reference;
        try
        {
            reference = JsonSerializer.Deserialize<RegisterByReferenceRequest>(body);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, $"The body is not a registration by reference: {ex.Message} Send {{\"blob\": \"container/path.onnx\", \"description\": ..., \"metrics\": {{...}}}}.");
        }

        if (reference?.Blob is not { Length: > 0 } blob)
        {
            return Error(StatusCodes.Status400BadRequest, "A registration by reference needs \"blob\": \"container/path.onnx\", the model's blob in the app's storage account.");
        }

        var metadata = new RegistrationMetadata(
            Principal(request), reference.Description, reference.TrainingData, reference.Metrics, RegisteredBySubject: CallerContext.Get(request)?.Subject);
        return await ApiResults.HandleAsync(request, async () => Created(request, await registry.RegisterFromBlobAsync(name, blob, metadata, cancellationToken)));
    }

    /// <summary><c>GET /models</c>: every model with its latest version and aliases.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("ListModels")]
    public Task<IActionResult> ListModels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(new { models = await registry.ListModelsAsync(cancellationToken) }));

    /// <summary><c>GET /models/{name}</c>: the model, its versions, aliases and alias history.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetModel")]
    public Task<IActionResult> GetModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await registry.GetModelAsync(name, cancellationToken)));

    /// <summary><c>GET /models/{name}/versions/{version}</c>: one version's lineage.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetModelVersion")]
    public Task<IActionResult> GetVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version:int}")] HttpRequest request,
        string name,
        int version,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await registry.GetVersionAsync(name, version, cancellationToken)));

    /// <summary><c>PUT /models/{name}/aliases/{alias}</c> with <c>{"version": n}</c>: moves the alias and records it.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("SetModelAlias")]
    [Audited(AuditActions.AliasSet)]
    public async Task<IActionResult> SetAlias(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "models/{name}/aliases/{alias}")] HttpRequest request,
        string name,
        string alias,
        CancellationToken cancellationToken)
    {
        if (await ApiResults.ReadBodyAsync(request, MaxJsonBodyBytes, cancellationToken) is not { } json)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The body must be {{\"version\": n}}, at most {MaxJsonBodyBytes} bytes.");
        }

        int version;
        try
        {
            using var body = JsonDocument.Parse(json);
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

        string changedBy = Principal(request);
        return await ApiResults.HandleAsync(request, async () =>
        {
            var change = await registry.SetAliasAsync(name, alias, version, changedBy, cancellationToken);
            request.Audit(new AuditDetails(Before: change.PreviousVersion?.ToString(CultureInfo.InvariantCulture), After: change.Version.ToString(CultureInfo.InvariantCulture)));
            return new OkObjectResult(change);
        });
    }

    private static CreatedResult Created(HttpRequest request, ModelVersionInfo version)
    {
        request.Audit(new AuditDetails(Version: version.Version));
        return new($"/models/{version.Name}/versions/{version.Version}", version);
    }

    // Who acts comes only from the validated token, never from what the caller writes in the query or body.
    private static string Principal(HttpRequest request) => CallerContext.Get(request)?.Name ?? "anonymous";

    private static ObjectResult Error(int status, string message) => ApiResults.Error(status, message);
}
