using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Core.Serving;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Server;

/// <summary>The Open Inference Protocol's server endpoints: metadata, liveness and readiness.</summary>
public sealed class ServerFunctions(HealthCheckService health)
{
    /// <summary><c>GET /v2</c>: server metadata.</summary>
    [Public]
    [Function("ServerMetadata")]
    public static IActionResult GetServerMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2")] HttpRequest request) =>
        new OkObjectResult(ServerMetadata.Current);

    /// <summary><c>GET /v2/health/live</c>: the process answers.</summary>
    [Public]
    [Function("ServerLive")]
    public static IActionResult GetLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/live")] HttpRequest request) =>
        new OkObjectResult(new LiveResponse(true));

    /// <summary><c>GET /v2/health/ready</c>: ready only when storage answers; 503 with the reason otherwise.</summary>
    [Public]
    [Function("ServerReady")]
    public async Task<IActionResult> GetReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        if (report.Status == HealthStatus.Healthy)
        {
            return new OkObjectResult(new ReadyResponse(true));
        }

        string reason = string.Join("; ", report.Entries.Values
            .Where(e => e.Status != HealthStatus.Healthy)
            .Select(e => e.Description ?? e.Exception?.Message ?? e.Status.ToString()));
        return new ObjectResult(new ReadyResponse(false, reason)) { StatusCode = StatusCodes.Status503ServiceUnavailable };
    }
}
