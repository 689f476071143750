using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Core.Governance;
using Serverless.Core.SelfChecks;
using Serverless.Core.Serving;
using Serverless.Core.Storage;
using Serverless.Functions.Identity;

namespace Serverless.Functions.SelfChecks;

/// <summary>
/// The storage self-check through every trigger kind: HTTP starts it as an orchestration, the timer asks for it
/// through the queue, and the queue runs it.
/// </summary>
public sealed partial class SelfCheckFunctions(SelfCheckService selfChecks, ILogger<SelfCheckFunctions> logger)
{
    /// <summary><c>POST /selfchecks</c>, optional body <c>{"pauseSeconds": n}</c>: starts a self-check orchestration.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("StartSelfCheck")]
    public async Task<IActionResult> StartSelfCheck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "selfchecks")] HttpRequest request,
        [DurableClient] DurableTaskClient durableClient,
        CancellationToken cancellationToken)
    {
        int pauseSeconds = 0;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return BadRequest("The body must be a JSON object such as {\"pauseSeconds\": 5}.");
                }

                if (body.RootElement.TryGetProperty("pauseSeconds", out var pause) &&
                    (pause.ValueKind != JsonValueKind.Number || !pause.TryGetInt32(out pauseSeconds) || pauseSeconds < 0 || pauseSeconds > SelfCheckWorkflow.MaxPauseSeconds))
                {
                    return BadRequest($"'pauseSeconds' must be a whole number from 0 to {SelfCheckWorkflow.MaxPauseSeconds}.");
                }
            }
            catch (JsonException ex)
            {
                return BadRequest($"The body is not valid JSON: {ex.Message}");
            }
        }

        var input = new SelfCheckWorkflowInput(SelfCheckRequest.Create("http"), pauseSeconds);
        string instanceId = await durableClient.ScheduleNewOrchestrationInstanceAsync(
            SelfCheckWorkflow.OrchestratorName, input, new StartOrchestrationOptions(input.Request.CheckId), cancellationToken);
        LogStarted(logger, instanceId);
        string statusPath = $"/selfchecks/{instanceId}";
        // The Durable HTTP management URLs as well, built by the Durable client from the host's webhook address.
        return new AcceptedResult(statusPath, new { id = instanceId, statusUri = statusPath, management = durableClient.CreateHttpManagementPayload(instanceId) });
    }

    /// <summary><c>GET /selfchecks/{id}</c>: a check's status and, once done, its report.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("GetSelfCheck")]
    public async Task<IActionResult> GetSelfCheck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "selfchecks/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durableClient,
        CancellationToken cancellationToken)
    {
        try
        {
            SelfCheckRequest.ValidateCheckId(id);
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }

        // A recorded report is the final word, whichever trigger ran the check; only checks still running need the task hub.
        var report = await selfChecks.GetReportAsync(id, cancellationToken);
        if (report is not null)
        {
            return new OkObjectResult(new { id, status = "Completed", customStatus = (string?)null, report, failure = (string?)null });
        }

        var instance = await durableClient.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        return instance is null
            ? new NotFoundObjectResult(new ErrorResponse($"No self-check with id '{id}'."))
            : new OkObjectResult(new
            {
                id,
                status = instance.RuntimeStatus.ToString(),
                customStatus = instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<string>(),
                report = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<SelfCheckReport>() : null,
                failure = instance.FailureDetails?.ErrorMessage,
            });
    }

    /// <summary>
    /// On the <c>SelfCheckSchedule</c> setting's schedule: asks for a check through the queue (the host writes the
    /// returned message to the <c>SelfCheckQueue</c> setting's queue).
    /// </summary>
    [Function("ScheduleSelfCheck")]
    [QueueOutput(StorageNames.SelfCheckQueueSetting)]
    public static string ScheduleSelfCheck([TimerTrigger("%SelfCheckSchedule%")] TimerInfo timer) =>
        SelfCheckRequest.Create(timer is { IsPastDue: true } ? "timer-past-due" : "timer").ToJson();

    /// <summary>
    /// Runs a check asked for on the queue and archives its report as a blob (an output binding the host writes). A
    /// message that is not a valid request throws, so the host retries it and then moves it to the poison queue rather
    /// than dropping it.
    /// </summary>
    [Function("RunQueuedSelfCheck")]
    [BlobOutput(StorageNames.SelfCheckReportBlob)]
    public async Task<string> RunQueuedSelfCheck(
        [QueueTrigger(StorageNames.SelfCheckQueueSetting)] string message,
        CancellationToken cancellationToken)
    {
        var request = SelfCheckRequest.Parse(message);
        var report = await selfChecks.RunAsync(request, cancellationToken);
        LogCompleted(logger, report.CheckId, report.Source, report.Healthy);
        return JsonSerializer.Serialize(report);
    }

    private static BadRequestObjectResult BadRequest(string message) => new(new ErrorResponse(message));

    [LoggerMessage(Level = LogLevel.Information, Message = "Started self-check orchestration {InstanceId}")]
    private static partial void LogStarted(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Self-check {CheckId} from {Source} completed; healthy: {Healthy}")]
    private static partial void LogCompleted(ILogger logger, string checkId, string source, bool healthy);
}
