using System.CommandLine;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>canary set|promote|abort</c> and <c>shadow set|stop|show</c>: how an alias splits and copies its traffic.</summary>
internal static class TrafficCommands
{
    private const string DefaultAlias = "production";

    /// <summary>The commands, their actions bound through <paramref name="runner"/>.</summary>
    public static IEnumerable<Command> Create(CommandRunner runner)
    {
        yield return Canary(runner);
        yield return Shadow(runner);
    }

    private static Command Canary(CommandRunner runner)
    {
        var setName = new Argument<string>("name") { Description = "The model's name" };
        var setVersion = new Argument<int>("version") { Description = "The canary version (same inputs as the alias's version)" };
        var weight = new Option<double>("--weight") { Description = "Its share of the alias's requests, above 0 and below 1 (0.1 = 10%)", Required = true };
        var (setAlias, setReason) = (AliasOption(), ReasonOption());
        var set = new Command("set", "Send a share of an alias's requests to a canary version (sticky per X-Routing-Key)") { setName, setVersion, weight, setAlias, setReason };
        runner.SetAction(set, async (parseResult, context, cancellationToken) =>
        {
            var request = new CanaryRequest(parseResult.GetValue(setVersion), parseResult.GetValue(weight), parseResult.GetValue(setReason));
            var body = await context.Client.SetCanaryAsync(parseResult.GetRequiredValue(setName), parseResult.GetRequiredValue(setAlias), request, cancellationToken);
            context.Show(body, b => Change(context, b));
            return ExitCodes.Success;
        });

        return new Command("canary", "An alias's canary version")
        {
            set,
            Act(runner, "promote", "Make the canary the alias's version (recorded as canary-promotion; a rollback undoes it)", (c, n, a, r, t) => c.PromoteCanaryAsync(n, a, r, t)),
            Act(runner, "abort", "Stop the canary: every request goes to the alias's version again", (c, n, a, r, t) => c.AbortCanaryAsync(n, a, r, t)),
        };
    }

    private static Command Shadow(CommandRunner runner)
    {
        var setName = new Argument<string>("name") { Description = "The model's name" };
        var setVersion = new Argument<int>("version") { Description = "The shadow version (same inputs as the alias's version)" };
        var (setAlias, setReason) = (AliasOption(), ReasonOption());
        var set = new Command("set", "Send a copy of an alias's traffic to a shadow version, compared off the request path") { setName, setVersion, setAlias, setReason };
        runner.SetAction(set, async (parseResult, context, cancellationToken) =>
        {
            var request = new ShadowRequest(parseResult.GetValue(setVersion), parseResult.GetValue(setReason));
            var body = await context.Client.SetShadowAsync(parseResult.GetRequiredValue(setName), parseResult.GetRequiredValue(setAlias), request, cancellationToken);
            context.Show(body, b => Change(context, b));
            return ExitCodes.Success;
        });

        var showName = new Argument<string>("name") { Description = "The model's name" };
        var show = new Command("show", "Show a model's shadow comparisons: compared, agreement rate, mean score difference, dropped") { showName };
        runner.SetAction(show, async (parseResult, context, cancellationToken) =>
        {
            context.Show(await context.Client.GetShadowAsync(parseResult.GetRequiredValue(showName), cancellationToken), b => Comparisons(context, b));
            return ExitCodes.Success;
        });

        return new Command("shadow", "An alias's shadow version")
        {
            set,
            Act(runner, "stop", "Stop the shadow", (c, n, a, r, t) => c.StopShadowAsync(n, a, r, t)),
            show,
        };
    }

    private static Command Act(CommandRunner runner, string action, string description, Func<MlopsClient, string, string, string?, CancellationToken, Task<JsonElement>> send)
    {
        var name = new Argument<string>("name") { Description = "The model's name" };
        var (alias, reason) = (AliasOption(), ReasonOption());
        var command = new Command(action, description) { name, alias, reason };
        runner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var body = await send(context.Client, parseResult.GetRequiredValue(name), parseResult.GetRequiredValue(alias), parseResult.GetValue(reason), cancellationToken);
            context.Show(body, b => Change(context, b));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string> AliasOption() => new("--alias") { Description = "The alias", DefaultValueFactory = _ => DefaultAlias };

    private static Option<string?> ReasonOption() => new("--reason") { Description = "Why (recorded in the alias history)" };

    /// <summary>One alias history entry, as the API answered it.</summary>
    private static void Change(CliContext context, JsonElement change) =>
        context.Console.Write(Cells.Facts(
            ("Alias", change.Text("alias")),
            ("Kind", change.Text("kind")),
            ("Version", change.Text("version")),
            ("Previous version", change.Text("previousVersion")),
            ("Canary version", change.Text("canaryVersion")),
            ("Canary weight", change.Text("canaryWeight")),
            ("Shadow version", change.Text("shadowVersion")),
            ("Reason", change.Text("reason")),
            ("By", change.Text("changedBy")),
            ("At", change.Time("changedAt"))));

    private static void Comparisons(CliContext context, JsonElement summary)
    {
        context.Console.Write(Cells.Facts(
            ("Model", summary.Text("model")),
            ("Compared", summary.Text("compared")),
            ("Agreement rate", Rate(summary, "agreementRate")),
            ("Mean score difference", Rate(summary, "meanScoreDifference")),
            ("Dropped", summary.Text("dropped")),
            ("Failed", summary.Text("failed"))));
        var pairs = summary.Items("pairs").ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        var table = Cells.Table("Alias", "Version", "Shadow version", "Compared", "Agreement rate", "Mean score difference", "Last compared");
        foreach (JsonElement pair in pairs)
        {
            Cells.Row(table, pair.Text("alias"), pair.Text("version"), pair.Text("shadowVersion"), pair.Text("compared"),
                Rate(pair, "agreementRate"), Rate(pair, "meanScoreDifference"), pair.Time("lastComparedAt"));
        }

        context.Console.Write(table);
    }

    private static string Rate(JsonElement element, string property) =>
        element.Number(property) is double value ? JsonValues.FormatNumber(value) : "";
}
