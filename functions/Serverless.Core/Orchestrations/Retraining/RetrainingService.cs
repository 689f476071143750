using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Registry;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// Starts, watches, decides on and stops retrainings: the operations behind the HTTP API, the schedule and the
/// "new data" queue. One retraining per model at a time.
/// </summary>
public sealed partial class RetrainingService(SpecStore specs, DatasetStore datasets, RetrainingRunStore runs, ModelRegistry registry, TimeProvider clock, AuditLog? audit = null)
{
    /// <summary>Who a caller is when no principal came with the request.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Starts a retraining of <paramref name="model"/> under its latest spec.</summary>
    /// <exception cref="RetrainingConflictException">One is already running.</exception>
    public async Task<RetrainingRun> StartAsync(
        DurableTaskClient client, string model, RetrainingRequest request, Actor startedBy, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(startedBy);
        ArgumentNullException.ThrowIfNull(request);
        ModelRegistry.ValidateName(model);
        var spec = await specs.GetAsync(model, null, cancellationToken);
        if (request.CandidateVersion is int candidate)
        {
            ModelRegistry.ValidateVersion(candidate);
        }

        if (request.Data is { } data)
        {
            datasets.CheckSource(data);
        }

        var now = clock.GetUtcNow();
        string instanceId = string.Create(CultureInfo.InvariantCulture, $"retrain-{model}-{now:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}");
        var run = new RetrainingRun(instanceId, model, trigger, startedBy.Name, now, spec.Version, request.Reason, StartedBySubject: startedBy.Subject);
        if (await runs.TryBeginAsync(run, (id, ct) => IsRunningAsync(client, id, ct), cancellationToken) is { } running)
        {
            throw new RetrainingConflictException(model, running);
        }

        var input = new RetrainingInput(
            model,
            spec.Version,
            request.Data,
            request.CandidateVersion,
            startedBy.Name,
            trigger,
            request.Reason,
            ModelSpecDefaults.ApprovalMode(spec.Spec) == ApprovalModes.Manual ? ModelSpecDefaults.ApprovalTimeout(spec.Spec) : null);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                RetrainingWorkflow.OrchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch
        {
            await runs.AbandonAsync(run, CancellationToken.None);
            throw;
        }

        // Starts over HTTP are audited with their caller by the HTTP layer; the platform's own are audited here.
        if (trigger != "http" && audit is not null)
        {
            await audit.AppendAsync(new AuditEntry(Actor.Platform("retraining " + trigger), AuditActions.RetrainingStart, model, null, null, instanceId, null, $"spec version {spec.Version}", request.Reason, now, instanceId, AuditOutcomes.Succeeded, null), CancellationToken.None);
        }

        return run;
    }

    /// <summary>A retraining's steps and state.</summary>
    /// <exception cref="RetrainingNotFoundException">No such retraining of the model.</exception>
    public async Task<RetrainingStatus> GetStatusAsync(DurableTaskClient client, string model, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ModelRegistry.ValidateName(model);
        var run = await runs.GetAsync(model, instanceId, cancellationToken);

        // The custom status travels only with inputs and outputs.
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        var progress = instance?.SerializedCustomStatus is { Length: > 0 } ? instance.ReadCustomStatusAs<RetrainingProgress>() : null;
        string runtime = instance?.RuntimeStatus.ToString() ?? "Pending";
        string? outcome = progress?.Outcome ?? run.Outcome ?? (instance?.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Terminated => RetrainingOutcomes.Terminated,
            OrchestrationRuntimeStatus.Failed => RetrainingOutcomes.Failed,
            _ => null,
        });
        string? reason = progress?.Reason ?? run.OutcomeReason ?? instance?.FailureDetails?.ErrorMessage;
        bool ended = instance is { IsCompleted: true };
        int? candidate = progress?.CandidateVersion ?? run.CandidateVersion;

        // The review is this run's only while a later run has not judged the same (external) version again.
        var review = candidate is int version ? await runs.GetReviewAsync(model, version, cancellationToken) : null;
        return new RetrainingStatus(
            instanceId,
            model,
            runtime,
            ended ? null : progress?.CurrentStep,
            progress?.Steps ?? [],
            candidate,
            outcome,
            outcome is null ? null : reason,
            run.Trigger,
            run.StartedBy,
            run.StartedAt,
            instance?.LastUpdatedAt,
            review?.InstanceId == instanceId ? review : null);
    }

    /// <summary>The model's <paramref name="top"/> newest retrainings, newest first, with each one's runtime status.</summary>
    public async Task<IReadOnlyList<RetrainingRun>> ListAsync(DurableTaskClient client, string model, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ModelRegistry.ValidateName(model);
        var list = (await runs.ListAsync(model, cancellationToken)).Take(top).ToList();
        var withStatus = new List<RetrainingRun>(list.Count);
        foreach (var run in list)
        {
            var instance = await client.GetInstanceAsync(run.InstanceId, getInputsAndOutputs: false, cancellationToken);

            // The step (and so a wait for a reviewer) is in the custom status, which comes only with inputs and
            // outputs: read again for the running one (a model runs one retraining at a time).
            RetrainingProgress? progress = null;
            if (instance is { IsCompleted: false, RuntimeStatus: OrchestrationRuntimeStatus.Running })
            {
                var running = await client.GetInstanceAsync(run.InstanceId, getInputsAndOutputs: true, cancellationToken);
                progress = running?.SerializedCustomStatus is { Length: > 0 } ? running.ReadCustomStatusAs<RetrainingProgress>() : null;
            }

            withStatus.Add(run with
            {
                RuntimeStatus = instance?.RuntimeStatus.ToString() ?? "Pending",
                Outcome = run.Outcome ?? (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? RetrainingOutcomes.Terminated : null),
                CurrentStep = progress?.CurrentStep,
                CandidateVersion = run.CandidateVersion ?? progress?.CandidateVersion,
            });
        }

        return withStatus;
    }

    /// <summary>Approves or rejects the candidate a retraining waits on.</summary>
    /// <exception cref="ApprovalRefusedException">The caller started this retraining (compared by subject, whatever roles it holds).</exception>
    /// <exception cref="NotAwaitingApprovalException">It is not waiting for a decision.</exception>
    public async Task<ApprovalDecision> DecideAsync(
        DurableTaskClient client, string model, string instanceId, bool approve, Actor reviewer, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reviewer);
        ModelRegistry.ValidateName(model);
        var started = await runs.GetAsync(model, instanceId, cancellationToken);

        // Segregation of duties: identities are compared by subject (names are not unique); runs recorded before
        // subjects were kept fall back to the name.
        if (started.StartedBySubject is { } subject
            ? string.Equals(subject, reviewer.Subject, StringComparison.Ordinal)
            : string.Equals(started.StartedBy, reviewer.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApprovalRefusedException(
                $"'{reviewer.Name}' started retraining '{instanceId}' and so cannot approve or reject its candidate, whatever roles it holds: another reviewer must decide.");
        }

        string by = reviewer.Name;
        var status = await GetStatusAsync(client, model, instanceId, cancellationToken);

        if (status.CurrentStep != RetrainingSteps.Approval || status.RuntimeStatus != nameof(OrchestrationRuntimeStatus.Running))
        {
            throw new NotAwaitingApprovalException(
                $"Retraining '{instanceId}' is not waiting for approval (status {status.RuntimeStatus}, step {status.CurrentStep ?? "none"}{(status.Outcome is { } o ? ", outcome " + o : string.Empty)}).");
        }

        // The other half of segregation of duties: whoever registered the candidate by hand (an external trainer) may not decide on it either.
        if (status.CandidateVersion is int candidate &&
            (await registry.GetVersionAsync(model, candidate, cancellationToken)).Metadata.RegisteredBySubject is { } registrant &&
            string.Equals(registrant, reviewer.Subject, StringComparison.Ordinal))
        {
            throw new ApprovalRefusedException(
                $"'{reviewer.Name}' registered candidate version {candidate} and so cannot approve or reject it, whatever roles it holds: another reviewer must decide.");
        }

        var decision = await runs.RecordDecisionAsync(model, instanceId, new ApprovalDecision(approve, by, reason, clock.GetUtcNow()), cancellationToken);
        if (decision.By != by || decision.Approved != approve)
        {
            throw new NotAwaitingApprovalException(
                $"Retraining '{instanceId}' was already {(decision.Approved ? "approved" : "rejected")} by {decision.By} at {decision.At:u}; the first decision stands.");
        }

        // Raised again when the same reviewer repeats the call: the orchestration takes the first event only.
        await client.RaiseEventAsync(instanceId, RetrainingWorkflow.ApprovalEvent, decision, cancellationToken);
        return decision;
    }

    /// <summary>Stops a retraining; it promotes nothing after this, and the model is free for the next one.</summary>
    public async Task<RetrainingRun> TerminateAsync(DurableTaskClient client, string model, string instanceId, string by, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ModelRegistry.ValidateName(model);
        var run = await runs.GetAsync(model, instanceId, cancellationToken);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { IsCompleted: true })
        {
            throw new NotAwaitingApprovalException($"Retraining '{instanceId}' has already ended ({instance.RuntimeStatus}); there is nothing to terminate.");
        }

        string why = $"terminated by {by}{(reason is { Length: > 0 } ? ": " + reason : string.Empty)}";
        await client.TerminateInstanceAsync(instanceId, why, cancellationToken);
        await runs.FinishAsync(model, instanceId, new RetrainingResult(RetrainingOutcomes.Terminated, null, why), cancellationToken);
        return run;
    }

    private static async Task<bool?> IsRunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        return instance is null ? null : !instance.IsCompleted;
    }
}
