using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Cronos;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Bindings;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Timers;

/// <summary>
/// Fires each timer-triggered function on its six-field NCRONTAB schedule (UTC), as the Functions host does: one
/// instance per host id holds a blob lease on the function's listener lock and alone fires it, so an occurrence fires
/// once however many instances share the storage account; the schedule status is kept in a blob, so an occurrence
/// missed while no instance ran fires at start with <c>IsPastDue</c>.
/// </summary>
internal sealed partial class TimerTriggerScheduler(
    WorkerHost worker,
    IConfiguration configuration,
    HostIdentity identity,
    InputBindings inputs,
    OutputBindings outputs,
    TimeProvider clock,
    ILogger<TimerTriggerScheduler> logger) : BackgroundService
{
    private const string HostsContainer = "azure-webjobs-hosts";

    private int _fired;
    private int _ranOnStartup;

    /// <summary>How many occurrences this instance has fired.</summary>
    internal int Fired => Volatile.Read(ref _fired);

    /// <summary>The singleton lock's lease; renewed at a third of it.</summary>
    internal TimeSpan LockLease { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Parses a schedule, resolving <c>%Setting%</c>; throws with the function's name when it is not valid.</summary>
    public static CronExpression ParseSchedule(WorkerFunction function, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(function);
        string schedule = AppSettingExpressions.Resolve(function.Trigger.GetString("schedule") ?? string.Empty, configuration);
        try
        {
            return CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new UnsupportedBindingException(
                $"Timer function '{function.Name}' has schedule '{schedule}', which is not a six-field NCRONTAB expression: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a timer function now, as the admin endpoint does.</summary>
    public Task InvokeNowAsync(WorkerFunction function, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return FireAsync(function, new ScheduleStatus(now, now, now), isPastDue: false, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.FunctionsAsync(stoppingToken) is not { } functions)
        {
            return;
        }

        var timers = functions.Where(f => f.Is(BindingTypes.TimerTrigger)).Select(f => (Function: f, Schedule: ParseSchedule(f, configuration))).ToList();
        await Task.WhenAll(timers.Select(t => RunAsync(t.Function, t.Schedule, stoppingToken)));
    }

    private async Task RunAsync(WorkerFunction function, CronExpression schedule, CancellationToken stoppingToken)
    {
        var container = new StorageClientFactory(configuration, StorageNames.ConnectionSetting).CreateBlobServiceClient().GetBlobContainerClient(HostsContainer);
        var lockBlob = container.GetBlobClient($"locks/{identity.HostId}/{function.Name}.Listener");
        var statusBlob = container.GetBlobClient($"timers/{identity.HostId}/{function.Name}/status");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lease = await AcquireLockAsync(container, lockBlob, stoppingToken);
                if (lease is null)
                {
                    // Another instance fires this timer; try again in case it goes away.
                    await Task.Delay(LockLease, clock, stoppingToken);
                    continue;
                }

                LogLeader(logger, function.Name, identity.HostId);
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var renewing = RenewAsync(lease, lost, stoppingToken);
                try
                {
                    await ScheduleAsync(function, schedule, statusBlob, lost.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    LogLockLost(logger, function.Name);
                }
                finally
                {
                    await lost.CancelAsync();
                    await renewing;
                    await lease.ReleaseAsync(cancellationToken: CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or IOException)
            {
                LogStorageFailed(logger, ex, function.Name);
                await Task.Delay(LockLease, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ScheduleAsync(WorkerFunction function, CronExpression schedule, BlobClient statusBlob, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var status = await ReadStatusAsync(statusBlob, cancellationToken);
        if (status is not null && status.Next < now)
        {
            // An occurrence passed while no instance held the timer: fire it now, as the Functions host does.
            await FireAsync(function, status, isPastDue: true, cancellationToken);
            status = await WriteStatusAsync(statusBlob, now, schedule, cancellationToken);
        }
        else if (function.Trigger.GetBoolean("runOnStartup") && Interlocked.Exchange(ref _ranOnStartup, 1) == 0)
        {
            await FireAsync(function, status ?? new ScheduleStatus(now, now, now), isPastDue: false, cancellationToken);
        }

        status ??= await WriteStatusAsync(statusBlob, now, schedule, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = status.Next - clock.GetUtcNow().UtcDateTime;
            LogNextOccurrence(logger, function.Name, status.Next);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            await FireAsync(function, status, isPastDue: false, cancellationToken);
            status = await WriteStatusAsync(statusBlob, status.Next, schedule, cancellationToken);
        }
    }

    private async Task FireAsync(WorkerFunction function, ScheduleStatus status, bool isPastDue, CancellationToken cancellationToken)
    {
        var timerInfo = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = status,
            IsPastDue = isPastDue,
        });
        var request = function.CreateInvocation(new TypedData { Json = timerInfo });
        inputs.AddTo(function, request);
        try
        {
            var response = await worker.InvokeAsync(function, request, cancellationToken);
            if (response.Result.Status != StatusResult.Types.Status.Success)
            {
                throw new FunctionFailedException(function.Name, response.Result.Exception);
            }

            await outputs.WriteAsync(function, response, request.TriggerMetadata, null, cancellationToken);
            Interlocked.Increment(ref _fired);
            LogFired(logger, function.Name, isPastDue);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // As in the Functions host, a failed occurrence is logged and the schedule goes on.
            LogTimerFailed(logger, ex, function.Name);
        }
    }

    private async Task<BlobLeaseClient?> AcquireLockAsync(BlobContainerClient container, BlobClient lockBlob, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            await lockBlob.UploadAsync(BinaryData.FromString(string.Empty), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The lock blob exists (and may be leased).
        }

        var lease = lockBlob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LockLease, cancellationToken: cancellationToken);
            return lease;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationTokenSource lost, CancellationToken stoppingToken)
    {
        try
        {
            while (!lost.IsCancellationRequested)
            {
                await Task.Delay(LockLease / 3, clock, lost.Token);
                await lease.RenewAsync(cancellationToken: lost.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped or released.
        }
        catch (RequestFailedException)
        {
            // The lease is gone (storage out of reach longer than the lease): stop firing until it is won back.
            if (!stoppingToken.IsCancellationRequested)
            {
                await lost.CancelAsync();
            }
        }
    }

    private static async Task<ScheduleStatus?> ReadStatusAsync(BlobClient statusBlob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await statusBlob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<ScheduleStatus>();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<ScheduleStatus> WriteStatusAsync(BlobClient statusBlob, DateTime last, CronExpression schedule, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // From the occurrence just fired at the earliest: a delay that wakes a hair early must not yield it again.
        var next = schedule.GetNextOccurrence(now > last ? now : last, TimeZoneInfo.Utc) ?? DateTime.MaxValue;
        var status = new ScheduleStatus(last, next, now);
        await statusBlob.UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {FunctionName} is fired by this instance (host id {HostId})")]
    private static partial void LogLeader(ILogger logger, string functionName, string hostId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {FunctionName}: the singleton lock was lost; another instance may fire it")]
    private static partial void LogLockLost(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {FunctionName}: storage failed; trying again")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {FunctionName} fires next at {Next:o}")]
    private static partial void LogNextOccurrence(ILogger logger, string functionName, DateTime next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {FunctionName} fired (past due: {IsPastDue})")]
    private static partial void LogFired(ILogger logger, string functionName, bool isPastDue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {FunctionName} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, string functionName);
}
