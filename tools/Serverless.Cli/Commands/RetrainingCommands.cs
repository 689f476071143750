using System.CommandLine;
using System.Net;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>retrain</c>, <c>retrainings list|show|follow</c>, <c>approve</c>, <c>reject</c> and <c>terminate</c>: the retraining line.</summary>
internal static class RetrainingCommands
{
    /// <summary>The commands, their actions bound through <paramref name="runner"/>.</summary>
    public static IEnumerable<Command> Create(CommandRunner runner)
    {
        yield return Retrain(runner);
        yield return Retrainings(runner);
        yield return Decision(runner, "approve", "Approve a retraining that waits for approval (not by whoever started it)", "Approved");
        yield return Decision(runner, "reject", "Reject a retraining that waits for approval; the candidate stays registered, marked rejected", "Rejected");
        yield return Decision(runner, "terminate", "Stop a running retraining", "Terminating");
    }

    private static Command Retrain(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The model's name (it needs a spec)" };
        var data = new Option<string?>("--data") { Description = "Training data for this run: container/path.csv or dataset:NAME (default: the spec's)" };
        var candidate = new Option<int?>("--candidate-version") { Description = "For an external trainer: the registered version to evaluate" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded)" };
        var follow = new Option<bool>("--follow") { Description = "Show the steps live until it ends (exit 0 promoted, 3 rejected, 1 failed, 4 waiting for approval)" };
        var command = new Command("retrain", "Start a retraining: snapshot, train, evaluate, gates, approval, promote") { name, data, candidate, reason, follow };
        runner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            string model = parseResult.GetRequiredValue(name);
            var request = new RetrainRequest(parseResult.GetValue(data), parseResult.GetValue(candidate), parseResult.GetValue(reason));
            JsonElement started;
            try
            {
                started = await context.Client.StartRetrainingAsync(model, request, cancellationToken);
            }
            catch (ApiException ex) when (ex.Status == HttpStatusCode.Conflict && ex.Body?.Text("instanceId") is { Length: > 0 } running)
            {
                ex.WriteTo(context.Error);
                await context.Error.WriteLineAsync($"Follow it with: mlops retrainings follow {model} {running}");
                await context.Error.WriteLineAsync($"or stop it with: mlops terminate {model} {running} --reason \"...\"");
                return ExitCodes.ClientError;
            }

            string instanceId = started.Text("instanceId");
            if (parseResult.GetValue(follow))
            {
                if (!context.Json)
                {
                    context.Output.WriteLine($"Started retraining {instanceId} of {model}.");
                }

                return await new RetrainingFollower(context).FollowAsync(model, instanceId, justStarted: true, cancellationToken);
            }

            context.Show(started, _ =>
            {
                context.Output.WriteLine($"Started retraining {instanceId} of {model}.");
                context.Output.WriteLine($"Follow it with: mlops retrainings follow {model} {instanceId}");
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Retrainings(CommandRunner runner)
    {
        var listName = new Argument<string>("name") { Description = "The model's name" };
        var list = new Command("list", "List a model's retrainings, newest first") { listName };
        runner.SetAction(list, async (parseResult, context, cancellationToken) =>
        {
            context.Show(await context.Client.ListRetrainingsAsync(parseResult.GetRequiredValue(listName), cancellationToken), context.Renderer.Retrainings);
            return ExitCodes.Success;
        });

        var showName = new Argument<string>("name") { Description = "The model's name" };
        var showId = new Argument<string>("id") { Description = "The retraining's instance id" };
        var show = new Command("show", "Show a retraining's status and steps and, once evaluated, its candidate's review (metrics, fairness, gates, feature importance)")
        {
            showName,
            showId,
        };
        runner.SetAction(show, async (parseResult, context, cancellationToken) =>
        {
            string model = parseResult.GetRequiredValue(showName);
            string instanceId = parseResult.GetRequiredValue(showId);
            var status = await context.Client.GetRetrainingAsync(model, instanceId, cancellationToken);
            context.Show(status, s =>
            {
                context.Console.Write(RetrainingView.Render(s));
                if (s.Get("review") is { } review)
                {
                    new ReviewRenderer(context.Console).Render(review);
                }

                if (RetrainingFollower.IsAwaitingApproval(s))
                {
                    context.Output.WriteLine(RetrainingFollower.DecisionHint(model, instanceId, s));
                }
            });
            return ExitCodes.Success;
        });

        var followName = new Argument<string>("name") { Description = "The model's name" };
        var followId = new Argument<string>("id") { Description = "The retraining's instance id" };
        var follow = new Command("follow", "Show a retraining's steps live until it ends (exit 0 promoted, 3 rejected, 1 failed, 4 waiting for approval)")
        {
            followName,
            followId,
        };
        runner.SetAction(follow, (parseResult, context, cancellationToken) =>
            new RetrainingFollower(context).FollowAsync(
                parseResult.GetRequiredValue(followName), parseResult.GetRequiredValue(followId), justStarted: false, cancellationToken));

        return new Command("retrainings", "A model's retrainings") { list, show, follow };
    }

    private static Command Decision(CommandRunner runner, string action, string description, string done)
    {
        var name = new Argument<string>("name") { Description = "The model's name" };
        var id = new Argument<string>("id") { Description = "The retraining's instance id" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded)", Required = true };
        var command = new Command(action, description) { name, id, reason };
        runner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            string model = parseResult.GetRequiredValue(name);
            string instanceId = parseResult.GetRequiredValue(id);
            var body = await context.Client.ActOnRetrainingAsync(model, instanceId, action, parseResult.GetRequiredValue(reason), cancellationToken);
            context.Show(body, b =>
            {
                string by = b.Text("by") is { Length: > 0 } who ? $" by {who}" : "";
                string why = b.Text("reason") is { Length: > 0 } r ? $": {r}" : "";
                context.Output.WriteLine($"{done} retraining {instanceId} of {model}{by}{why}");
            });
            return ExitCodes.Success;
        });
        return command;
    }
}
