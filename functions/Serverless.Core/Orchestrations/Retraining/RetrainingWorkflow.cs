using Microsoft.DurableTask;
using Serverless.Core.Registry;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Gates;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// The retraining line as a durable orchestration: snapshot → train → evaluate → gates → approval → promote. It is
/// deterministic (time from the context, no I/O): every read and write happens in the activities it names, and each
/// activity keys its writes on the instance id, so a replayed or retried step registers and promotes at most once.
/// The steps and their outcomes are the orchestration's custom status.
/// </summary>
public static class RetrainingWorkflow
{
    /// <summary>The orchestration's name.</summary>
    public const string OrchestratorName = "RetrainingOrchestrator";

    /// <summary>Takes the data snapshot.</summary>
    public const string SnapshotActivity = "RetrainSnapshot";

    /// <summary>Trains and registers the candidate.</summary>
    public const string TrainActivity = "RetrainTrain";

    /// <summary>Evaluates candidate and champion.</summary>
    public const string EvaluateActivity = "RetrainEvaluate";

    /// <summary>Applies the gates and records the verdict.</summary>
    public const string GatesActivity = "RetrainGates";

    /// <summary>Records a reviewer's decision.</summary>
    public const string ApprovalActivity = "RetrainRecordApproval";

    /// <summary>Moves production to the candidate.</summary>
    public const string PromoteActivity = "RetrainPromote";

    /// <summary>Records how the run ended and frees the model for the next one.</summary>
    public const string FinishActivity = "RetrainFinish";

    /// <summary>The external event a reviewer's decision arrives as.</summary>
    public const string ApprovalEvent = "approval";

    // Storage hiccups are retried, for about five minutes in all; a failure of the data or the model is not (it would
    // fail the same way again). A longer outage fails the run with the storage error, and the next retraining starts over.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 10,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromMinutes(1))
    {
        HandleFailure = ActivityFailures.IsTransient,
    });

    /// <summary>Runs the orchestration.</summary>
    public static async Task<RetrainingResult> RunAsync(TaskOrchestrationContext context, RetrainingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var progress = new ProgressTracker(context);
        var run = new RetrainingStepInput(context.InstanceId, input);
        try
        {
            var dataset = await progress.RunAsync(
                RetrainingSteps.Snapshot,
                () => context.CallActivityAsync<DatasetSnapshot>(SnapshotActivity, run, Retry),
                d => $"dataset {d.Id[..12]}: {d.Rows} rows ({d.DroppedRows} dropped) from {d.Source}");
            run = run with { Dataset = dataset };

            var candidate = await progress.RunAsync(
                RetrainingSteps.Train,
                () => context.CallActivityAsync<CandidateInfo>(TrainActivity, run, Retry),
                c => c.Trainer == Training.Trainers.TrainerCatalog.External
                    ? $"version {c.Version} (registered by another pipeline)"
                    : $"version {c.Version} trained with {c.Trainer} in {c.TrainingSeconds:0.0} s");
            run = run with { CandidateVersion = candidate.Version };
            progress.Candidate = candidate.Version;

            var evaluation = await progress.RunAsync(
                RetrainingSteps.Evaluate,
                () => context.CallActivityAsync<EvaluationStepResult>(EvaluateActivity, run, Retry),
                Describe);

            var gates = await progress.RunAsync(
                RetrainingSteps.Gates,
                () => context.CallActivityAsync<GateReport>(GatesActivity, new GateStepInput(run, evaluation), Retry),
                g => g.Passed ? $"all {g.Results.Count} gates passed" : string.Join(" ", g.Failures),
                g => g.Passed ? "succeeded" : "rejected");
            if (!gates.Passed)
            {
                return await FinishAsync(context, progress, run, RetrainingOutcomes.Rejected, string.Join(" ", gates.Failures));
            }

            if (input.ApprovalTimeout is { } timeout)
            {
                progress.Begin(RetrainingSteps.Approval, $"waiting for a reviewer until {context.CurrentUtcDateTime + timeout:u}");
                var decision = await WaitForDecisionAsync(context, input, timeout);
                await context.CallActivityAsync(ApprovalActivity, new ApprovalStepInput(run, decision), Retry);
                string said = $"{(decision.Approved ? "approved" : "rejected")} by {decision.By}{(decision.Reason is { Length: > 0 } r ? ": " + r : string.Empty)}";
                progress.End(decision.Approved ? "approved" : "rejected", said);
                if (!decision.Approved)
                {
                    return await FinishAsync(context, progress, run, RetrainingOutcomes.Rejected, said);
                }
            }
            else
            {
                progress.Skip(RetrainingSteps.Approval, "automatic approval (spec)");
            }

            await progress.RunAsync(
                RetrainingSteps.Promote,
                () => context.CallActivityAsync<AliasChange>(PromoteActivity, run, Retry),
                c => $"production: {(c.PreviousVersion is int p ? $"version {p}" : "none")} → version {c.Version}");
            return await FinishAsync(context, progress, run, RetrainingOutcomes.Promoted, null);
        }
        catch (TaskFailedException ex)
        {
            string reason = ActivityFailures.Message(ex.FailureDetails);
            progress.End("failed", reason);
            return await FinishAsync(context, progress, run, RetrainingOutcomes.Failed, reason);
        }
    }

    private static async Task<ApprovalDecision> WaitForDecisionAsync(TaskOrchestrationContext context, RetrainingInput input, TimeSpan timeout)
    {
        using var cancelTimer = new CancellationTokenSource();
        var deadline = context.CreateTimer(context.CurrentUtcDateTime + timeout, cancelTimer.Token);
        while (true)
        {
            var decision = context.WaitForExternalEvent<ApprovalDecision>(ApprovalEvent);
            if (await Task.WhenAny(decision, deadline) == deadline)
            {
                return new ApprovalDecision(false, "timeout", $"no reviewer decided within {timeout}", context.CurrentUtcDateTime);
            }

            // The HTTP edge refuses a self-approval; an event raised around it is ignored here too.
            if (!string.Equals(decision.Result.By, input.StartedBy, StringComparison.OrdinalIgnoreCase))
            {
                // Synchronously: CancelAsync would resume this orchestrator off its own dispatcher, after the episode ended.
                cancelTimer.Cancel();
                return decision.Result;
            }
        }
    }

    private static async Task<RetrainingResult> FinishAsync(
        TaskOrchestrationContext context, ProgressTracker progress, RetrainingStepInput run, string outcome, string? reason)
    {
        var result = new RetrainingResult(outcome, run.CandidateVersion, reason);
        progress.Finish(result);
        try
        {
            await context.CallActivityAsync(FinishActivity, new FinishStepInput(run, result), Retry);
        }
        catch (TaskFailedException)
        {
            // The outcome stands (it is the status); the run's record then says no outcome, and its lock is taken over
            // by the next start, which sees this orchestration completed.
        }

        return result;
    }

    private static string Describe(EvaluationStepResult e)
    {
        string candidate = string.Join(", ", e.Candidate.Metrics.Select(m => $"{m.Key} {m.Value:0.####}"));
        return e.Champion is { } champion
            ? $"candidate {candidate}; production (version {e.ChampionVersion}) {string.Join(", ", champion.Metrics.Select(m => $"{m.Key} {m.Value:0.####}"))}"
            : $"candidate {candidate}; {e.ChampionNote}";
    }
}
