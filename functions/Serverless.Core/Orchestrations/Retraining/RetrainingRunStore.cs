using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// The retraining runs of each model, its one-at-a-time lock, and its candidates' reviews, in Table Storage (one
/// partition per model). The lock is a row naming the running instance, taken with an ETag-guarded write, so two
/// starters on any number of instances cannot both win.
/// </summary>
public sealed class RetrainingRunStore(TableServiceClient tables, TimeProvider clock, IOptions<RetrainingOptions> options)
{
    private const string LockRow = "active";
    private const string ScheduleRow = "schedule";

    // A lock whose orchestration is not found yet may belong to a start still scheduling it; only an older one is stale.
    private static readonly TimeSpan SchedulingGrace = TimeSpan.FromMinutes(1);

    private readonly TableClient _table = tables.GetTableClient(options.Value.Table);
    private volatile bool _provisioned;

    /// <summary>
    /// Records <paramref name="run"/> and takes the model's lock for it, unless another run holds it and
    /// <paramref name="isRunning"/> says that one still runs.
    /// </summary>
    /// <returns>Null when <paramref name="run"/> holds the lock; otherwise the running instance's id.</returns>
    public async Task<string?> TryBeginAsync(RetrainingRun run, Func<string, CancellationToken, Task<bool?>> isRunning, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(isRunning);
        await EnsureProvisionedAsync(cancellationToken);
        while (true)
        {
            var held = await _table.GetEntityIfExistsAsync<TableEntity>(run.Model, LockRow, cancellationToken: cancellationToken);
            if (held.HasValue)
            {
                string holder = held.Value!.GetString("InstanceId");
                bool? running = await isRunning(holder, cancellationToken);
                bool young = clock.GetUtcNow() - (held.Value.GetDateTimeOffset("Since") ?? default) < SchedulingGrace;
                if (running == true || (running is null && young))
                {
                    return holder;
                }
            }

            var lockRow = new TableEntity(run.Model, LockRow) { ["InstanceId"] = run.InstanceId, ["Since"] = clock.GetUtcNow() };
            TableTransactionAction[] actions =
            [
                held.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, lockRow, held.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, lockRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(run)),
            ];
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return null;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else moved the lock between our read and write: look again.
            }
        }
    }

    /// <summary>Removes a run whose orchestration could not be scheduled, and its lock: nothing is left half-started.</summary>
    public async Task AbandonAsync(RetrainingRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await ReleaseAsync(run.Model, run.InstanceId, cancellationToken);
        await _table.DeleteEntityAsync(run.Model, RunRow(run.InstanceId), cancellationToken: cancellationToken);
    }

    /// <summary>Records how a run ended and frees the model's lock if the run still holds it. Repeatable.</summary>
    public async Task FinishAsync(string model, string instanceId, RetrainingResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await EnsureProvisionedAsync(cancellationToken);
        await _table.UpdateEntityAsync(
            new TableEntity(model, RunRow(instanceId))
            {
                ["Outcome"] = result.Outcome,
                ["CandidateVersion"] = result.CandidateVersion,
                ["OutcomeReason"] = result.Reason,
                ["CompletedAt"] = clock.GetUtcNow(),
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);
        await ReleaseAsync(model, instanceId, cancellationToken);
    }

    /// <summary>One run of the model.</summary>
    /// <exception cref="RetrainingNotFoundException">The model has no run with that id.</exception>
    public async Task<RetrainingRun> GetAsync(string model, string instanceId, CancellationToken cancellationToken)
    {
        // Ids are "retrain-" and a model name and a time: anything else (a '#', '\\' or '?' a table key refuses) is no run.
        if (!instanceId.StartsWith("retrain-", StringComparison.Ordinal) || instanceId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            throw new RetrainingNotFoundException($"'{Registry.ModelRegistry.Shorten(instanceId)}' is not a retraining id. List them with GET /models/{model}/retrainings.");
        }

        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(model, RunRow(instanceId), cancellationToken: cancellationToken);
        return row.HasValue
            ? FromEntity(row.Value!)
            : throw new RetrainingNotFoundException($"Model '{model}' has no retraining '{instanceId}'. List them with GET /models/{model}/retrainings.");
    }

    /// <summary>The model's runs, newest first.</summary>
    public async Task<IReadOnlyList<RetrainingRun>> ListAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var runs = new List<RetrainingRun>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == model && e.RowKey.CompareTo("run-") >= 0 && e.RowKey.CompareTo("run.") < 0,
            cancellationToken: cancellationToken))
        {
            runs.Add(FromEntity(row));
        }

        return [.. runs.OrderByDescending(r => r.StartedAt)];
    }

    /// <summary>The review of a candidate version, or null when the line has not judged it.</summary>
    public async Task<CandidateReview?> GetReviewAsync(string model, int version, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(model, ReviewRow(version), cancellationToken: cancellationToken);
        return row.HasValue ? JsonSerializer.Deserialize<CandidateReview>(row.Value!.GetString("Review")) : null;
    }

    /// <summary>Writes the review of a candidate version, replacing what was there.</summary>
    public async Task PutReviewAsync(string model, int version, CandidateReview review, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var stamped = review with { UpdatedAt = clock.GetUtcNow() };
        await _table.UpsertEntityAsync(
            new TableEntity(model, ReviewRow(version)) { ["Status"] = stamped.Status, ["Review"] = JsonSerializer.Serialize(stamped) },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>
    /// Records a reviewer's decision on a run unless one is recorded: the first decision wins, whoever sends it.
    /// </summary>
    /// <returns>The decision that stands: <paramref name="decision"/>, or the one recorded before it.</returns>
    public async Task<ApprovalDecision> RecordDecisionAsync(string model, string instanceId, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        await EnsureProvisionedAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(new TableEntity(model, "decision-" + instanceId) { ["Decision"] = JsonSerializer.Serialize(decision) }, cancellationToken);
            return decision;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var first = await _table.GetEntityAsync<TableEntity>(model, "decision-" + instanceId, cancellationToken: cancellationToken);
            return JsonSerializer.Deserialize<ApprovalDecision>(first.Value.GetString("Decision"))!;
        }
    }

    /// <summary>The last schedule occurrence a retraining was started for, or null.</summary>
    public async Task<DateTimeOffset?> GetLastScheduledAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(model, ScheduleRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("LastOccurrence") : null;
    }

    /// <summary>Records the schedule occurrence a retraining was started for.</summary>
    public async Task SetLastScheduledAsync(string model, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(model, ScheduleRow) { ["LastOccurrence"] = occurrence }, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task ReleaseAsync(string model, string instanceId, CancellationToken cancellationToken)
    {
        var held = await _table.GetEntityIfExistsAsync<TableEntity>(model, LockRow, cancellationToken: cancellationToken);
        if (held.HasValue && held.Value!.GetString("InstanceId") == instanceId)
        {
            try
            {
                await _table.DeleteEntityAsync(model, LockRow, held.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already released, or already taken by the next run.
            }
        }
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (!_provisioned)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _provisioned = true;
        }
    }

    private static string RunRow(string instanceId) => "run-" + instanceId;

    private static string ReviewRow(int version) => "review-" + version.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(RetrainingRun run) => new(run.Model, RunRow(run.InstanceId))
    {
        ["InstanceId"] = run.InstanceId,
        ["Trigger"] = run.Trigger,
        ["StartedBy"] = run.StartedBy,
        ["StartedBySubject"] = run.StartedBySubject,
        ["StartedAt"] = run.StartedAt,
        ["SpecVersion"] = run.SpecVersion,
        ["Reason"] = run.Reason,
    };

    private static RetrainingRun FromEntity(TableEntity row) => new(
        row.GetString("InstanceId"),
        row.PartitionKey,
        row.GetString("Trigger"),
        row.GetString("StartedBy"),
        row.GetDateTimeOffset("StartedAt") ?? default,
        row.GetInt32("SpecVersion") ?? 0,
        row.GetString("Reason"),
        row.GetString("Outcome"),
        row.GetInt32("CandidateVersion"),
        row.GetString("OutcomeReason"),
        row.GetDateTimeOffset("CompletedAt"),
        StartedBySubject: row.GetString("StartedBySubject"));
}
