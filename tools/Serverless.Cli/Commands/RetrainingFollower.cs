using System.Net;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// Follows a retraining: polls its status until it ends or waits for a reviewer, shows the steps as they go (a live
/// table on a terminal, one line per step change otherwise, the final JSON under <c>--json</c>) and turns the result
/// into an exit code. A platform that stops answering for a while (a restart) is waited for.
/// </summary>
internal sealed class RetrainingFollower(CliContext context)
{
    // Right after a start the status may not be readable yet; a few polls of grace before a 404 counts.
    private const int NotFoundGracePolls = 10;

    // The orchestration survives a restart of the platform, so following does too: this many failed polls in a row
    // (unreachable or 5xx) before giving up.
    private const int UnavailablePolls = 30;

    /// <summary>Follows the retraining; returns <see cref="ExitCodes"/>: promoted 0, rejected 3, failed or terminated 1, waiting for approval 4.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="instanceId">The retraining's instance id.</param>
    /// <param name="justStarted">Whether this command just started it (a 404 is then given a few polls of grace).</param>
    /// <param name="cancellationToken">Stops following (the retraining goes on).</param>
    public async Task<int> FollowAsync(string model, string instanceId, bool justStarted, CancellationToken cancellationToken)
    {
        JsonElement status;
        if (context.Json)
        {
            status = await PollAsync(model, instanceId, justStarted, _ => { }, cancellationToken);
            context.Output.WriteLine(status.GetRawText());
        }
        else if (context.Console.Profile.Capabilities.Interactive)
        {
            status = await context.Console.Live(new Text($"Waiting for the status of retraining {instanceId}..."))
                .AutoClear(false)
                .StartAsync(live => PollAsync(model, instanceId, justStarted, s =>
                {
                    live.UpdateTarget(RetrainingView.Render(s));
                    live.Refresh();
                }, cancellationToken));
        }
        else
        {
            var reported = new Dictionary<string, string>(StringComparer.Ordinal);
            status = await PollAsync(model, instanceId, justStarted, s => ReportChanges(s, reported), cancellationToken);
            context.Console.Write(RetrainingView.Render(status));
        }

        return Conclude(model, instanceId, status);
    }

    /// <summary>Whether the orchestration has ended.</summary>
    public static bool HasEnded(JsonElement status) =>
        status.Text("runtimeStatus") is "Completed" or "Failed" or "Terminated" or "Canceled";

    /// <summary>Whether the retraining sits at the approval step, which has not been decided yet.</summary>
    public static bool IsAwaitingApproval(JsonElement status) =>
        !HasEnded(status)
        && status.Text("currentStep") == "approval"
        && status.Items("steps").Any(s => s.Text("name") == "approval" && s.Text("outcome").Length == 0);

    private async Task<JsonElement> PollAsync(string model, string instanceId, bool justStarted, Action<JsonElement> onStatus, CancellationToken cancellationToken)
    {
        int notFound = 0;
        int unavailable = 0;
        int awaiting = 0;
        while (true)
        {
            JsonElement status;
            try
            {
                status = await context.Client.GetRetrainingAsync(model, instanceId, cancellationToken);
            }
            catch (ApiException ex) when (justStarted && ex.Status == HttpStatusCode.NotFound && ++notFound < NotFoundGracePolls)
            {
                await Task.Delay(context.PollInterval, cancellationToken);
                continue;
            }
            catch (Exception ex) when (ex is ApiUnreachableException or ApiException { IsClientError: false } && ++unavailable < UnavailablePolls)
            {
                if (unavailable == 1)
                {
                    await context.Error.WriteLineAsync($"{ex.Message} (still following; giving up after {UnavailablePolls} failed polls in a row)");
                }

                await Task.Delay(context.PollInterval, cancellationToken);
                continue;
            }

            unavailable = 0;
            onStatus(status);
            // Waiting is only believed when two polls in a row see it, so an automatic approval passing through the
            // step is not mistaken for a wait on a reviewer.
            awaiting = IsAwaitingApproval(status) ? awaiting + 1 : 0;
            if (HasEnded(status) || awaiting >= 2)
            {
                return status;
            }

            await Task.Delay(context.PollInterval, cancellationToken);
        }
    }

    private void ReportChanges(JsonElement status, Dictionary<string, string> reported)
    {
        foreach (JsonElement step in status.Items("steps"))
        {
            string name = step.Text("name");
            string state = RetrainingView.State(step);
            if (state == "pending" || (reported.TryGetValue(name, out string? before) && before == state))
            {
                continue;
            }

            reported[name] = state;
            string at = JsonValues.FormatTime(step.Text(step.Text("endedAt").Length > 0 ? "endedAt" : "startedAt"));
            string took = RetrainingView.Took(step) is { Length: > 0 } t ? $" ({t})" : "";
            string detail = step.Text("detail") is { Length: > 0 } d ? ": " + d : "";
            context.Output.WriteLine($"{at}  {name,-9} {state}{took}{detail}");
        }
    }

    private int Conclude(string model, string instanceId, JsonElement status)
    {
        string reason = status.Text("reason");
        bool awaiting = IsAwaitingApproval(status);
        (int code, string message) = awaiting
            ? (ExitCodes.AwaitingApproval, DecisionHint(model, instanceId, status))
            : status.Text("outcome") switch
            {
                "promoted" => (ExitCodes.Success, $"Promoted: {model} version {status.Text("candidateVersion")} is in production."),
                "rejected" => (ExitCodes.Rejected, $"Rejected: {reason}"),
                "failed" => (ExitCodes.Failure, $"Failed: {reason}"),
                "terminated" => (ExitCodes.Failure, $"Terminated: {reason}"),
                _ => (ExitCodes.Failure, $"Ended {status.Text("runtimeStatus")} without an outcome. {reason}".TrimEnd()),
            };
        if (!context.Json)
        {
            // The reviewer decides on what the review shows: metrics beside production's, fairness, gates, importance.
            if (awaiting && status.Get("review") is { } review)
            {
                new ReviewRenderer(context.Console).Render(review);
            }

            context.Output.WriteLine(message);
        }

        return code;
    }

    /// <summary>What a retraining waiting for approval waits on, and the commands that decide it.</summary>
    public static string DecisionHint(string model, string instanceId, JsonElement status) =>
        $"Waiting for approval of candidate version {status.Text("candidateVersion")}; someone other than {Starter(status)} decides:"
        + Environment.NewLine + $"  mlops approve {model} {instanceId} --reason \"...\""
        + Environment.NewLine + $"  mlops reject {model} {instanceId} --reason \"...\"";

    private static string Starter(JsonElement status) => status.Text("startedBy") is { Length: > 0 } who ? who : "whoever started it";
}
