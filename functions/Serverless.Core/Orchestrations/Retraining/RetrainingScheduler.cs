using Cronos;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Core.Governance;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// Starts the retrainings whose spec schedule (NCRONTAB with seconds, UTC) has come due since the last one it started.
/// A timer calls it; missed occurrences while nothing ran start one retraining, not one per occurrence.
/// </summary>
public sealed partial class RetrainingScheduler(
    Training.Specs.SpecStore specs, RetrainingRunStore runs, RetrainingService retraining, TimeProvider clock, ILogger<RetrainingScheduler> logger)
{
    /// <summary>Starts every due retraining; returns the instance ids started.</summary>
    public async Task<IReadOnlyList<string>> StartDueAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var started = new List<string>();
        foreach (var spec in await specs.ListAsync(cancellationToken))
        {
            if (spec.Spec.Schedule is not { Length: > 0 } schedule)
            {
                continue;
            }

            var cron = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
            var since = await runs.GetLastScheduledAsync(spec.Model, cancellationToken) ?? spec.CreatedAt;
            if (cron.GetNextOccurrence(since.UtcDateTime, TimeZoneInfo.Utc) is not { } due || due > now.UtcDateTime)
            {
                continue;
            }

            // The newest occurrence that has passed, so a long pause does not queue a retraining per missed occurrence.
            var latest = cron.GetOccurrences(due, now.UtcDateTime, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: true).Last();
            try
            {
                var run = await retraining.StartAsync(client, spec.Model, new RetrainingRequest(Reason: $"schedule '{schedule}'"), Actor.Platform("schedule"), "schedule", cancellationToken);
                started.Add(run.InstanceId);
                LogStarted(logger, spec.Model, run.InstanceId, latest);
            }
            catch (RetrainingConflictException ex)
            {
                LogSkipped(logger, spec.Model, ex.RunningInstanceId);
            }

            await runs.SetLastScheduledAsync(spec.Model, new DateTimeOffset(latest, TimeSpan.Zero), cancellationToken);
        }

        return started;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled retraining of {Model} started as {InstanceId} (occurrence {Occurrence:u})")]
    private static partial void LogStarted(ILogger logger, string model, string instanceId, DateTime occurrence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled retraining of {Model} skipped: {RunningInstanceId} is still running")]
    private static partial void LogSkipped(ILogger logger, string model, string runningInstanceId);
}
