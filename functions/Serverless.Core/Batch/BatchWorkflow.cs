using Microsoft.DurableTask;
using Serverless.Core.Orchestrations.Retraining;

namespace Serverless.Core.Batch;

/// <summary>
/// Batch scoring as a durable orchestration: plan the chunks, score them in parallel activities (at most
/// <see cref="BatchInput.MaxParallelChunks"/> at once), then write the errors file and the summary. Deterministic (time
/// from the context, no I/O); the version was pinned before it started, so every chunk is scored by the same one. A
/// chunk whose output is already there (an earlier attempt wrote it before a crash) is not scored again.
/// </summary>
public static class BatchWorkflow
{
    /// <summary>The orchestration's name.</summary>
    public const string OrchestratorName = "BatchScoringOrchestrator";

    /// <summary>Reads the input's columns and splits it into chunks.</summary>
    public const string PlanActivity = "BatchPlan";

    /// <summary>Scores one chunk and writes its output.</summary>
    public const string ScoreActivity = "BatchScoreChunk";

    /// <summary>Writes the errors file and, last, the summary.</summary>
    public const string FinishActivity = "BatchFinish";

    // Storage hiccups are retried; a file that cannot be read fails the same way again, so it is not.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30))
    {
        HandleFailure = ActivityFailures.IsTransient,
    });

    /// <summary>Runs the orchestration; its output is the summary (also written as <c>_summary.json</c>).</summary>
    public static async Task<BatchSummary> RunAsync(TaskOrchestrationContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var started = context.CurrentUtcDateTime;
        context.SetCustomStatus(new BatchProgress("planning", 0, 0));
        var results = new List<ChunkResult>();
        long rows = 0;
        string? failure = null;
        try
        {
            var plan = await context.CallActivityAsync<BatchPlan>(PlanActivity, input, Retry);
            rows = plan.Rows;
            context.SetCustomStatus(new BatchProgress("scoring", 0, plan.Chunks.Count));
            var running = new List<Task<ChunkResult>>();
            int next = 0;
            try
            {
                while (next < plan.Chunks.Count || running.Count > 0)
                {
                    while (running.Count < input.MaxParallelChunks && next < plan.Chunks.Count)
                    {
                        running.Add(context.CallActivityAsync<ChunkResult>(ScoreActivity, new ChunkWork(input, plan.Columns, plan.Chunks[next++], plan.ETag), Retry));
                    }

                    var done = await Task.WhenAny(running);
                    running.Remove(done);
                    results.Add(await done);
                    context.SetCustomStatus(new BatchProgress("scoring", results.Count, plan.Chunks.Count));
                }
            }
            catch (TaskFailedException)
            {
                // Let the chunks already running end before the summary is written, so none writes after it.
                foreach (var task in running)
                {
                    try
                    {
                        await task;
                    }
                    catch (TaskFailedException)
                    {
                        // The first failure is the one reported.
                    }
                }

                throw;
            }
        }
        catch (TaskFailedException ex)
        {
            failure = ActivityFailures.Message(ex.FailureDetails);
        }

        context.SetCustomStatus(new BatchProgress("finishing", results.Count, results.Count));
        results.Sort((a, b) => a.Index.CompareTo(b.Index));
        return await context.CallActivityAsync<BatchSummary>(
            FinishActivity, new BatchFinishInput(input, rows, results, started, context.CurrentUtcDateTime, failure), Retry);
    }
}
