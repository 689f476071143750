using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Governance;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Training.Specs;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Training;

/// <summary>Model specs over HTTP: write one (validated, versioned, hashed), read one, list them.</summary>
public sealed class SpecFunctions(SpecStore specs, SampleRates sampleRates)
{
    private const long MaxSpecBytes = 256 * 1024;

    private const string SpecShape = "a spec: a JSON object with task, data, trainer and optionally gates, approval and schedule";

    /// <summary><c>PUT /specs/{name}</c>: stores the spec as the model's next version (201), or answers the latest unchanged (200) when it is the same.</summary>
    [RequireRole(PlatformRoles.DataScientist)]
    [Function("PutSpec")]
    [Audited(AuditActions.SpecPut)]
    public async Task<IActionResult> PutSpec(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "specs/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        var (spec, error) = await ApiResults.ReadJsonAsync<ModelSpec>(request, MaxSpecBytes, SpecShape, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (spec is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"The body must be {SpecShape}.");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var stored = await specs.PutAsync(name, spec, CallerContext.Get(request)?.Name ?? "anonymous", cancellationToken);
            sampleRates.Update(stored);
            request.Audit(new AuditDetails(After: $"spec version {stored.Version} (sha256 {stored.Sha256})"));
            return stored.Created ? new CreatedResult($"/specs/{name}?version={stored.Version}", stored) : new OkObjectResult(stored);
        });
    }

    /// <summary><c>GET /specs/{name}</c>, optional <c>?version=n</c>: the latest or a given version of a model's spec.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetSpec")]
    public Task<IActionResult> GetSpec(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "specs/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        int? version = null;
        if (request.Query["version"].FirstOrDefault() is { } text)
        {
            if (!int.TryParse(text, out int parsed) || parsed < 1)
            {
                return Task.FromResult<IActionResult>(ApiResults.Error(StatusCodes.Status400BadRequest, $"'version' must be a whole number from 1, not '{text}'."));
            }

            version = parsed;
        }

        return ApiResults.HandleAsync(request, async () => new OkObjectResult(await specs.GetAsync(name, version, cancellationToken)));
    }

    /// <summary><c>GET /specs</c>: the latest spec of every model.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("ListSpecs")]
    public Task<IActionResult> ListSpecs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "specs")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(new { specs = await specs.ListAsync(cancellationToken) }));
}
