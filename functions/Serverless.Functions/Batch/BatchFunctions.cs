using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Core.Batch;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Batch;

/// <summary>Batch scoring over files: started over HTTP or by a file landing in an input container (Event Grid through a queue); status over HTTP.</summary>
public sealed partial class BatchFunctions(BatchService batches, ILogger<BatchFunctions> logger)
{
    /// <summary>The app setting naming the queue Event Grid delivers BlobCreated events to.</summary>
    public const string EventQueueSetting = "%Batch__EventQueue%";

    private const long MaxJsonBodyBytes = 64 * 1024;

    /// <summary>
    /// <c>POST /models/{name}/batches</c>, body <c>{"input": "container/path.csv", "output": "container/prefix", "alias": "production" | "version": 3}</c>:
    /// pins the version, checks the input exists and the prefix is empty, starts the batch; 202 with its id and status URL.
    /// </summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("StartBatch")]
    [Audited(AuditActions.BatchStart)]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/batches")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadJsonAsync<BatchRequest>(
            request, MaxJsonBodyBytes, "a JSON object such as {\"input\": \"batch-inputs/file.csv\", \"output\": \"batch-outputs/run-1\", \"alias\": \"production\"}", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "The body must name \"input\" (container/path.csv or .parquet) and \"output\" (container/prefix).");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var caller = CallerContext.Get(request) ?? throw new InvalidOperationException("No validated caller: the authorization middleware did not run.");
            var batch = await batches.StartAsync(client, name, body, caller.Subject, cancellationToken);
            request.Audit(new AuditDetails(Version: batch.Version, Run: batch.BatchId, After: $"{batch.OutputContainer}/{batch.OutputPrefix}"));
            LogStarted(logger, batch.BatchId, name, batch.Version);
            string statusUrl = $"/models/{name}/batches/{batch.BatchId}";
            return new AcceptedResult(statusUrl, new { batchId = batch.BatchId, model = name, version = batch.Version, statusUrl });
        });
    }

    /// <summary><c>GET /models/{name}/batches/{id}</c>: state, chunks done out of the total and, once ended, the summary.</summary>
    [RequireRole(PlatformRoles.Operator, PlatformRoles.DataScientist, PlatformRoles.Auditor)]
    [Function("GetBatch")]
    public static Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/batches/{id}")] HttpRequest request,
        string name,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await BatchService.GetStatusAsync(client, name, id, cancellationToken)));

    /// <summary>
    /// Starts a batch for each BlobCreated event Event Grid puts on the <c>Batch__EventQueue</c> queue. An event for an
    /// output that exists already (the same event delivered again) or of another type is logged and dropped; a message
    /// that is not an event, or names no model the platform has, fails and ends in the poison queue.
    /// </summary>
    [Function("StartBatchOnBlobCreated")]
    public async Task StartOnBlobCreated(
        [QueueTrigger(EventQueueSetting)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        BlobCreatedEvent created;
        try
        {
            created = BlobCreatedEvent.Parse(message);
        }
        catch (FormatException ex)
        {
            LogBadEvent(logger, ex.Message);
            throw;
        }

        if (!created.IsBlobCreated)
        {
            LogIgnored(logger, created.Id, created.Type);
            return;
        }

        try
        {
            var batch = await batches.StartForFileAsync(client, created, cancellationToken);
            LogStartedForFile(logger, batch.BatchId, created.Container, created.Path, batch.Version);
        }
        catch (BatchConflictException ex)
        {
            LogDuplicate(logger, created.Id, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEventFailed(logger, created.Id, created.Container, created.Path, ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started batch {BatchId} of model {Model} pinned to version {Version}")]
    private static partial void LogStarted(ILogger logger, string batchId, string model, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started batch {BatchId} for blob {Container}/{Path}, pinned to version {Version}")]
    private static partial void LogStartedForFile(ILogger logger, string batchId, string container, string path, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch event message is not a blob event (it goes to the poison queue after its retries): {Reason}")]
    private static partial void LogBadEvent(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} of type {Type} ignored: only BlobCreated starts a batch")]
    private static partial void LogIgnored(ILogger logger, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} starts no batch: {Reason}")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for blob {Container}/{Path} could not start a batch (it goes to the poison queue after its retries): {Reason}")]
    private static partial void LogEventFailed(ILogger logger, string eventId, string container, string path, string reason);
}
