using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Core.Batch;

namespace Serverless.Functions.Batch;

/// <summary>The batch scoring orchestration and its activities; the logic lives in <see cref="BatchWorkflow"/> and <see cref="BatchActivities"/>.</summary>
public sealed class BatchOrchestrationFunctions(BatchActivities activities)
{
    /// <summary>The orchestrator.</summary>
    [Function(BatchWorkflow.OrchestratorName)]
    public static Task<BatchSummary> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<BatchInput>()
            ?? throw new ArgumentException("The batch orchestration needs a BatchInput.", nameof(context));
        return BatchWorkflow.RunAsync(context, input);
    }

    /// <summary>Plans the chunks.</summary>
    [Function(BatchWorkflow.PlanActivity)]
    public Task<BatchPlan> Plan([ActivityTrigger] BatchInput input, CancellationToken cancellationToken) =>
        activities.PlanAsync(input, cancellationToken);

    /// <summary>Scores one chunk.</summary>
    [Function(BatchWorkflow.ScoreActivity)]
    public Task<ChunkResult> ScoreChunk([ActivityTrigger] ChunkWork work, CancellationToken cancellationToken) =>
        activities.ScoreChunkAsync(work, cancellationToken);

    /// <summary>Writes the errors file and the summary.</summary>
    [Function(BatchWorkflow.FinishActivity)]
    public Task<BatchSummary> Finish([ActivityTrigger] BatchFinishInput input, CancellationToken cancellationToken) =>
        activities.FinishAsync(input, cancellationToken);
}
