using Microsoft.DurableTask;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Keeps a retraining's steps and publishes them as its custom status; times come from the replay-safe context clock.</summary>
internal sealed class ProgressTracker(TaskOrchestrationContext context)
{
    private readonly List<RetrainingStep> _steps = [];

    public int? Candidate { get; set; }

    public async Task<T> RunAsync<T>(string step, Func<Task<T>> action, Func<T, string> describe, Func<T, string>? outcome = null)
    {
        Begin(step, null);
        var result = await action();
        End(outcome?.Invoke(result) ?? "succeeded", describe(result));
        return result;
    }

    public void Begin(string step, string? detail)
    {
        _steps.Add(new RetrainingStep(step, context.CurrentUtcDateTime, Detail: detail));
        Publish(null);
    }

    /// <summary>Ends the running step, if one runs.</summary>
    public void End(string outcome, string? detail)
    {
        int last = _steps.Count - 1;
        if (last >= 0 && _steps[last].EndedAt is null)
        {
            _steps[last] = _steps[last] with { EndedAt = context.CurrentUtcDateTime, Outcome = outcome, Detail = detail };
            Publish(null);
        }
    }

    public void Skip(string step, string detail)
    {
        _steps.Add(new RetrainingStep(step, context.CurrentUtcDateTime, context.CurrentUtcDateTime, "skipped", detail));
        Publish(null);
    }

    public void Finish(RetrainingResult result) => Publish(result);

    private void Publish(RetrainingResult? result) =>
        context.SetCustomStatus(new RetrainingProgress([.. _steps], Candidate, result?.Outcome, result?.Reason));
}
