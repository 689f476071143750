using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Governance;
using Serverless.Core.Training.Datasets;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Training;

/// <summary>Datasets uploaded over HTTP, stored content-addressed like model artifacts.</summary>
public sealed class DatasetFunctions(DatasetStore datasets)
{
    /// <summary><c>POST /datasets/{name}</c> with a CSV body (header first): stores it and makes it the dataset's latest upload.</summary>
    [RequireRole(PlatformRoles.DataScientist)]
    [Function("UploadDataset")]
    [Audited(AuditActions.DatasetUpload)]
    public Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "datasets/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () =>
        {
            var upload = await datasets.UploadAsync(name, request.Body, CallerContext.Get(request)?.Name ?? "anonymous", cancellationToken);
            return new CreatedResult($"/datasets/{name}", upload);
        });

    /// <summary><c>GET /datasets/{name}</c>: the dataset's latest upload.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetDataset")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "datasets/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await datasets.GetUploadAsync(name, cancellationToken)));

    /// <summary><c>GET /datasets</c>: every dataset's latest upload.</summary>
    [RequireRole(PlatformRoles.Consumer, PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("ListDatasets")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "datasets")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(new { datasets = await datasets.ListUploadsAsync(cancellationToken) }));
}
