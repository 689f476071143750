using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Lineage;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Registry;

/// <summary>A version's whole lineage.</summary>
public sealed class LineageFunctions(LineageService lineage)
{
    /// <summary><c>GET /models/{name}/versions/{version}/lineage</c>: data, spec, trainer, code, metrics, gates, approval, promotions and rollbacks.</summary>
    [RequireRole(PlatformRoles.Auditor, PlatformRoles.Operator, PlatformRoles.Approver)]
    [Function("GetLineage")]
    public Task<IActionResult> GetLineage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version:int}/lineage")] HttpRequest request,
        string name,
        int version,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await lineage.GetAsync(name, version, cancellationToken)));
}
