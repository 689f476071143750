using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Governance;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Retraining;

/// <summary>
/// Retraining over HTTP (start, list, status, approve, reject, terminate, roll back), from each spec's schedule (timer)
/// and from "new data" messages (queue).
/// </summary>
public sealed partial class RetrainingFunctions(
    RetrainingService retraining, RetrainingScheduler scheduler, RetrainingRequestSender requests, ModelRegistry registry, ILogger<RetrainingFunctions> logger)
{
    /// <summary>The app setting naming the "new data" queue.</summary>
    public const string QueueSetting = "%Retraining__Queue%";

    /// <summary>The app setting with the NCRONTAB on which due schedules are checked.</summary>
    public const string ScheduleCheckSetting = "%Retraining__ScheduleCheck%";

    private const long MaxJsonBodyBytes = 64 * 1024;


    /// <summary>
    /// <c>POST /models/{name}/retrain</c>, optional body <c>{"data": "container/path.csv" | "dataset:name", "candidateVersion": n, "reason": "..."}</c>:
    /// starts a retraining under the model's latest spec; 202 with its id and status URL, 409 naming a running one.
    /// </summary>
    [RequireRole(PlatformRoles.DataScientist)]
    [Function("StartRetraining")]
    [Audited(AuditActions.RetrainingStart)]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/retrain")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<RetrainingRequest>(request, "{\"data\": \"dataset:name\", \"candidateVersion\": 3, \"reason\": \"...\"}", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body?.Model is not null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"The route names the model ('{name}'); leave \"model\" out of the body (it is for queue messages).");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var run = await retraining.StartAsync(client, name, body ?? new RetrainingRequest(), Caller(request), "http", cancellationToken);
            request.Audit(new AuditDetails(Run: run.InstanceId));
            string statusUrl = $"/models/{name}/retrainings/{run.InstanceId}";
            return new AcceptedResult(statusUrl, new { instanceId = run.InstanceId, model = name, specVersion = run.SpecVersion, statusUrl });
        });
    }

    /// <summary><c>GET /models/{name}/retrainings</c>, optional <c>?top=n</c> (1 to 500, default 50): the model's newest retrainings first.</summary>
    [RequireRole(PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("ListRetrainings")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/retrainings")] HttpRequest request,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        int top = 50;
        if (request.Query["top"].FirstOrDefault() is { } text && (!int.TryParse(text, out top) || top is < 1 or > 500))
        {
            return Task.FromResult<IActionResult>(ApiResults.Error(StatusCodes.Status400BadRequest, $"'top' must be a whole number from 1 to 500, not '{text}'."));
        }

        return ApiResults.HandleAsync(request, async () => new OkObjectResult(new { retrainings = await retraining.ListAsync(client, name, top, cancellationToken) }));
    }

    /// <summary><c>GET /models/{name}/retrainings/{id}</c>: the current step and each step's start, end and outcome.</summary>
    [RequireRole(PlatformRoles.DataScientist, PlatformRoles.Operator, PlatformRoles.Approver, PlatformRoles.Auditor)]
    [Function("GetRetraining")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/retrainings/{id}")] HttpRequest request,
        string name,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(request, async () => new OkObjectResult(await retraining.GetStatusAsync(client, name, id, cancellationToken)));

    /// <summary><c>POST /models/{name}/retrainings/{id}/{decision}</c> (<c>approve</c> or <c>reject</c>), body <c>{"reason": "..."}</c>.</summary>
    [RequireRole(PlatformRoles.Approver)]
    [Function("DecideRetraining")]
    [Audited("retraining.{decision}")]
    public async Task<IActionResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/retrainings/{id}/{decision:regex(^(approve|reject)$)}")] HttpRequest request,
        string name,
        string id,
        string decision,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<ReasonBody>(request, "{\"reason\": \"why\"}", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var made = await retraining.DecideAsync(client, name, id, decision == "approve", Caller(request), body?.Reason, cancellationToken);
            return new AcceptedResult($"/models/{name}/retrainings/{id}", new { instanceId = id, decision = made.Approved ? "approved" : "rejected", by = made.By, reason = made.Reason });
        });
    }

    /// <summary><c>POST /models/{name}/retrainings/{id}/terminate</c>, body <c>{"reason": "..."}</c>: stops it; nothing is promoted after.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("TerminateRetraining")]
    [Audited(AuditActions.RetrainingTerminate)]
    public async Task<IActionResult> Terminate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/retrainings/{id}/terminate")] HttpRequest request,
        string name,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<ReasonBody>(request, "{\"reason\": \"why\"}", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            await retraining.TerminateAsync(client, name, id, Caller(request).Name, body?.Reason, cancellationToken);
            return new AcceptedResult($"/models/{name}/retrainings/{id}", new { instanceId = id, terminated = true });
        });
    }

    /// <summary>
    /// <c>POST /models/{name}/rollback</c>, body <c>{"reason": "..."}</c> (required): moves this model's production back to
    /// its previous production version, recorded with who and why. Other models are untouched.
    /// </summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("RollbackModel")]
    [Audited(AuditActions.AliasRollback)]
    public async Task<IActionResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/rollback")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<ReasonBody>(request, "{\"reason\": \"why\"}", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body?.Reason is not { Length: > 0 } reason || string.IsNullOrWhiteSpace(reason))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "A rollback needs a reason: send {\"reason\": \"why production goes back\"}; it is kept in the model's history.");
        }

        return await ApiResults.HandleAsync(request, async () =>
        {
            var change = await registry.RollbackAsync(name, RetrainingActivities.ProductionAlias, Caller(request).Name, reason, cancellationToken);
            request.Audit(new AuditDetails(change.PreviousVersion?.ToString(CultureInfo.InvariantCulture), change.Version.ToString(CultureInfo.InvariantCulture), Alias: change.Alias));
            return new OkObjectResult(new
            {
                model = name,
                alias = change.Alias,
                fromVersion = change.PreviousVersion,
                toVersion = change.Version,
                reason = change.Reason,
                by = change.ChangedBy,
                at = change.ChangedAt,
            });
        });
    }

    /// <summary>Starts the retrainings whose spec schedule has come due.</summary>
    [Function("RetrainOnSchedule")]
    public async Task RetrainOnSchedule(
        [TimerTrigger(ScheduleCheckSetting)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await scheduler.StartDueAsync(client, cancellationToken);
    }

    /// <summary>
    /// "New data arrived": a message <c>{"model": "name", "data": "container/path.csv", "reason": "..."}</c> starts a
    /// retraining. While the model's retraining runs, the request is sent again to wait <c>Retraining__BusyRetryDelay</c>;
    /// a message that cannot start one (bad JSON, no spec) fails, is retried, and lands in the poison queue.
    /// </summary>
    [Function("RetrainOnNewData")]
    public async Task RetrainOnNewData(
        [QueueTrigger(QueueSetting)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        RetrainingRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<RetrainingRequest>(message, ApiResults.StrictJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"A retraining message must be JSON like {{\"model\": \"name\", \"data\": \"container/path.csv\"}}: {ex.Message}", ex);
        }

        if (request?.Model is not { Length: > 0 } model)
        {
            throw new InvalidOperationException("A retraining message must name its model: {\"model\": \"name\", \"data\": \"container/path.csv\"}.");
        }

        try
        {
            var run = await retraining.StartAsync(client, model, request, Actor.Platform("queue"), "queue", cancellationToken);
            LogQueued(logger, model, run.InstanceId);
        }
        catch (RetrainingConflictException ex)
        {
            // Waits for the running retraining rather than spending its dequeue count on it.
            await requests.SendAsync(request, requests.BusyRetryDelay, cancellationToken);
            LogDeferred(logger, model, ex.RunningInstanceId, requests.BusyRetryDelay);
        }
    }

    // The authorization middleware admits only callers with a validated token to these functions.
    private static Actor Caller(HttpRequest request) =>
        CallerContext.Get(request) ?? throw new InvalidOperationException("No validated caller: the authorization middleware did not run.");

    private static Task<(T? Body, IActionResult? Error)> ReadAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class =>
        ApiResults.ReadJsonAsync<T>(request, MaxJsonBodyBytes, $"a small JSON object such as {example}", cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining request for {Model} waits {Delay}: {RunningInstanceId} is running")]
    private static partial void LogDeferred(ILogger logger, string model, string runningInstanceId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining of {Model} started from the queue as {InstanceId}")]
    private static partial void LogQueued(ILogger logger, string model, string instanceId);
}
