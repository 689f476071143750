using Microsoft.DurableTask;

namespace Serverless.Core.SelfChecks;

/// <summary>
/// The self-check as a durable orchestration: blob probe, optional durable pause, table probe, record. Deterministic:
/// all I/O happens in the activities it names.
/// </summary>
public static class SelfCheckWorkflow
{
    /// <summary>The orchestration's name.</summary>
    public const string OrchestratorName = "SelfCheckOrchestrator";

    /// <summary>The activity that probes blob storage.</summary>
    public const string ProbeBlobActivity = "ProbeBlobStorage";

    /// <summary>The activity that probes table storage.</summary>
    public const string ProbeTableActivity = "ProbeTableStorage";

    /// <summary>The activity that records the outcome.</summary>
    public const string RecordActivity = "RecordSelfCheck";

    /// <summary>The longest pause a caller may ask for.</summary>
    public const int MaxPauseSeconds = 300;

    /// <summary>Custom status while the orchestration waits between its probes.</summary>
    public const string PausedStatus = "paused-between-probes";

    /// <summary>Runs the orchestration.</summary>
    public static async Task<SelfCheckReport> RunAsync(TaskOrchestrationContext context, SelfCheckWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var blob = await context.CallActivityAsync<ProbeResult>(ProbeBlobActivity, input.Request.CheckId);
        if (input.PauseSeconds > 0)
        {
            context.SetCustomStatus(PausedStatus);
            await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(Math.Min(input.PauseSeconds, MaxPauseSeconds)), CancellationToken.None);
        }

        var table = await context.CallActivityAsync<ProbeResult>(ProbeTableActivity, input.Request.CheckId);
        context.SetCustomStatus(null);
        return await context.CallActivityAsync<SelfCheckReport>(RecordActivity, new RecordSelfCheckInput(input.Request, [blob, table]));
    }
}
