using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Core.SelfChecks;

namespace Serverless.Functions.SelfChecks;

/// <summary>The self-check orchestration and its activities; the logic lives in <see cref="SelfCheckWorkflow"/>.</summary>
public sealed class SelfCheckOrchestrationFunctions(SelfCheckService selfChecks)
{
    /// <summary>The orchestrator.</summary>
    [Function(SelfCheckWorkflow.OrchestratorName)]
    public static Task<SelfCheckReport> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<SelfCheckWorkflowInput>()
            ?? throw new ArgumentException("The self-check orchestration needs a SelfCheckWorkflowInput.", nameof(context));
        return SelfCheckWorkflow.RunAsync(context, input);
    }

    /// <summary>Probes blob storage.</summary>
    [Function(SelfCheckWorkflow.ProbeBlobActivity)]
    public Task<ProbeResult> ProbeBlobStorage([ActivityTrigger] string checkId, CancellationToken cancellationToken) =>
        selfChecks.ProbeBlobAsync(checkId, cancellationToken);

    /// <summary>Probes table storage.</summary>
    [Function(SelfCheckWorkflow.ProbeTableActivity)]
    public Task<ProbeResult> ProbeTableStorage([ActivityTrigger] string checkId, CancellationToken cancellationToken) =>
        selfChecks.ProbeTableAsync(checkId, cancellationToken);

    /// <summary>Records the outcome exactly once.</summary>
    [Function(SelfCheckWorkflow.RecordActivity)]
    public Task<SelfCheckReport> RecordSelfCheck([ActivityTrigger] RecordSelfCheckInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return selfChecks.RecordAsync(input.Request, input.Probes, cancellationToken);
    }
}
