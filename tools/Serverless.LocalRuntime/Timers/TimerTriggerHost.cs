using Cronos;
using Microsoft.Azure.Functions.Worker;
using Serverless.LocalRuntime.Functions;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Timers;

/// <summary>Fires each timer-triggered function on its six-field NCRONTAB schedule (UTC), as the Functions host does.</summary>
internal sealed partial class TimerTriggerHost(
    FunctionCatalog catalog,
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<TimerTriggerHost> logger) : BackgroundService
{
    /// <summary>Runs a timer function now, as Core Tools' admin endpoint does.</summary>
    public void InvokeInBackground(FunctionDescriptor function)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        _ = Task.Run(() => FireAsync(function, new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = now, Next = now, LastUpdated = now } }, CancellationToken.None));
    }

    /// <summary>Parses a schedule, resolving <c>%Setting%</c>; throws with the function's name when it is not valid.</summary>
    public static CronExpression ParseSchedule(FunctionDescriptor function, IConfiguration configuration)
    {
        string schedule = AppSettingExpressions.Resolve(function.Schedule!, configuration);
        try
        {
            return CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException(
                $"Timer function '{function.Name}' has schedule '{schedule}', which is not a six-field NCRONTAB expression: {ex.Message}", ex);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timers = catalog.OfKind(TriggerKind.TimerTrigger)
            .Select(f => (Function: f, Schedule: ParseSchedule(f, configuration)))
            .ToList();
        return Task.WhenAll(timers.Select(t => RunScheduleAsync(t.Function, t.Schedule, stoppingToken)));
    }

    private async Task RunScheduleAsync(FunctionDescriptor function, CronExpression schedule, CancellationToken stoppingToken)
    {
        DateTime last = clock.GetUtcNow().UtcDateTime;
        if (function.RunOnStartup)
        {
            await FireAsync(function, Info(last, schedule), stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            DateTime? next = schedule.GetNextOccurrence(clock.GetUtcNow().UtcDateTime, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            LogNextOccurrence(logger, function.Name, next.Value);
            try
            {
                var wait = next.Value - clock.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FireAsync(function, Info(last, schedule), stoppingToken);
            last = next.Value;
        }
    }

    private TimerInfo Info(DateTime last, CronExpression schedule)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new TimerInfo
        {
            ScheduleStatus = new ScheduleStatus { Last = last, Next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? now, LastUpdated = now },
            IsPastDue = false,
        };
    }

    private async Task FireAsync(FunctionDescriptor function, TimerInfo info, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, info, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimerFailed(logger, ex, function.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {FunctionName} fires next at {Next:o}")]
    private static partial void LogNextOccurrence(ILogger logger, string functionName, DateTime next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {FunctionName} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, string functionName);
}
