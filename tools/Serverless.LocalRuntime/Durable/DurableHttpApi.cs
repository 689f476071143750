using System.Text.Json;
using Microsoft.DurableTask.Client;
using Serverless.LocalRuntime.Http;

namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// The Durable Functions HTTP management API under <c>/runtime/webhooks/durabletask</c>: instance status, raise event,
/// terminate and purge, so that the URLs <c>CreateCheckStatusResponse</c> and <c>CreateHttpManagementPayload</c> build
/// in the worker work locally as they do in Azure. The host serves these paths itself; no app route can hide them.
/// </summary>
internal static class DurableHttpApi
{
    public const string BasePath = "/runtime/webhooks/durabletask";

    public static void Map(WebApplication app)
    {
        var instances = app.MapGroup(BasePath + "/instances/{instanceId}").WithOrder(-1).AddEndpointFilter(async (context, next) =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<FunctionKeyAuthorizer>();
            return keys.IsAuthorized(context.HttpContext.Request, "system")
                ? await next(context)
                : JsonErrors.Result(StatusCodes.Status401Unauthorized, "The durable management API requires the system key ('code' query parameter).");
        });
        instances.MapGet(string.Empty, GetStatusAsync);
        instances.MapPost("raiseEvent/{eventName}", RaiseEventAsync);
        instances.MapPost("terminate", TerminateAsync);
        instances.MapDelete(string.Empty, PurgeAsync);
    }

    private static async Task<IResult> GetStatusAsync(string instanceId, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return JsonErrors.Result(StatusCodes.Status404NotFound, $"No orchestration instance '{instanceId}'.");
        }

        var body = new
        {
            name = instance.Name,
            instanceId = instance.InstanceId,
            runtimeStatus = instance.RuntimeStatus.ToString(),
            input = Raw(instance.SerializedInput),
            customStatus = Raw(instance.SerializedCustomStatus),
            output = instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed ? JsonSerializer.SerializeToElement(instance.FailureDetails?.ErrorMessage) : Raw(instance.SerializedOutput),
            createdTime = instance.CreatedAt,
            lastUpdatedTime = instance.LastUpdatedAt,
        };
        int status = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => StatusCodes.Status200OK,
            OrchestrationRuntimeStatus.Failed when bool.TryParse(request.Query["returnInternalServerErrorOnFailure"], out bool asError) && asError => StatusCodes.Status500InternalServerError,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status202Accepted,
        };
        if (status == StatusCodes.Status202Accepted)
        {
            request.HttpContext.Response.Headers.Location = $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}";
        }

        return Results.Json(body, statusCode: status);
    }

    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (await RunningAsync(client, instanceId, cancellationToken) is { } problem)
        {
            return problem;
        }

        object? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                payload = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                return JsonErrors.Result(StatusCodes.Status400BadRequest, $"The event payload is not valid JSON: {ex.Message}");
            }
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return Results.Accepted();
    }

    private static async Task<IResult> TerminateAsync(string instanceId, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (await RunningAsync(client, instanceId, cancellationToken) is { } problem)
        {
            return problem;
        }

        await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = request.Query["reason"].FirstOrDefault() }, cancellationToken);
        return Results.Accepted();
    }

    private static async Task<IResult> PurgeAsync(string instanceId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var result = await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
        return result.PurgedInstanceCount == 0
            ? JsonErrors.Result(StatusCodes.Status404NotFound, $"No orchestration instance '{instanceId}' to purge.")
            : Results.Json(new { instancesDeleted = result.PurgedInstanceCount });
    }

    /// <summary>Null when the instance exists and can still take events; else the answer the Durable API gives.</summary>
    private static async Task<IResult?> RunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null)
        {
            return JsonErrors.Result(StatusCodes.Status404NotFound, $"No orchestration instance '{instanceId}'.");
        }

        return instance.IsCompleted
            ? JsonErrors.Result(StatusCodes.Status410Gone, $"Orchestration instance '{instanceId}' has already {instance.RuntimeStatus.ToString().ToLowerInvariant()}.")
            : null;
    }

    private static JsonElement? Raw(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);
}
