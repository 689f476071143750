using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Monitoring;

/// <summary>The platform's OpenTelemetry instruments, readable without an exporter (locally, or one instance in Azure).</summary>
public sealed class MetricsFunctions(MetricsSnapshot snapshot)
{
    /// <summary>
    /// <c>GET /monitoring/metrics</c>: this instance's current values of the <c>Serverless.*</c> meters' instruments
    /// (per instrument its name, unit and kind; per tag set the counter's sum, or the histogram's count, sum, min, max,
    /// p50 and p99), cumulative since the instance started.
    /// </summary>
    [RequireRole(PlatformRoles.Operator, PlatformRoles.Auditor)]
    [Function("GetMetrics")]
    public IActionResult GetMetrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "monitoring/metrics")] HttpRequest request) =>
        new OkObjectResult(snapshot.Read());
}
