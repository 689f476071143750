using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Gates;

namespace Serverless.Functions.Retraining;

/// <summary>The retraining orchestration and its activities; the logic lives in <see cref="RetrainingWorkflow"/> and <see cref="RetrainingActivities"/>.</summary>
public sealed class RetrainingOrchestrationFunctions(RetrainingActivities activities)
{
    /// <summary>The orchestrator.</summary>
    [Function(RetrainingWorkflow.OrchestratorName)]
    public static Task<RetrainingResult> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<RetrainingInput>()
            ?? throw new ArgumentException("The retraining orchestration needs a RetrainingInput.", nameof(context));
        return RetrainingWorkflow.RunAsync(context, input);
    }

    /// <summary>Snapshots the data.</summary>
    [Function(RetrainingWorkflow.SnapshotActivity)]
    public Task<DatasetSnapshot> Snapshot([ActivityTrigger] RetrainingStepInput run, CancellationToken cancellationToken) =>
        activities.SnapshotAsync(run, cancellationToken);

    /// <summary>Trains and registers the candidate.</summary>
    [Function(RetrainingWorkflow.TrainActivity)]
    public Task<CandidateInfo> Train([ActivityTrigger] RetrainingStepInput run, CancellationToken cancellationToken) =>
        activities.TrainAsync(run, cancellationToken);

    /// <summary>Evaluates candidate and champion.</summary>
    [Function(RetrainingWorkflow.EvaluateActivity)]
    public Task<EvaluationStepResult> Evaluate([ActivityTrigger] RetrainingStepInput run, CancellationToken cancellationToken) =>
        activities.EvaluateAsync(run, cancellationToken);

    /// <summary>Applies the gates.</summary>
    [Function(RetrainingWorkflow.GatesActivity)]
    public Task<GateReport> Gates([ActivityTrigger] GateStepInput input, CancellationToken cancellationToken) =>
        activities.ApplyGatesAsync(input, cancellationToken);

    /// <summary>Records a reviewer's decision.</summary>
    [Function(RetrainingWorkflow.ApprovalActivity)]
    public Task RecordApproval([ActivityTrigger] ApprovalStepInput input, CancellationToken cancellationToken) =>
        activities.RecordApprovalAsync(input, cancellationToken);

    /// <summary>Promotes the candidate.</summary>
    [Function(RetrainingWorkflow.PromoteActivity)]
    public Task<AliasChange> Promote([ActivityTrigger] RetrainingStepInput run, CancellationToken cancellationToken) =>
        activities.PromoteAsync(run, cancellationToken);

    /// <summary>Records the end of the run.</summary>
    [Function(RetrainingWorkflow.FinishActivity)]
    public Task Finish([ActivityTrigger] FinishStepInput input, CancellationToken cancellationToken) =>
        activities.FinishAsync(input, cancellationToken);
}
