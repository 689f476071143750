using System.CommandLine;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>models list|show</c>, <c>lineage</c> and <c>rollback</c>: the registry's side.</summary>
internal static class ModelsCommands
{
    /// <summary>The commands, their actions bound through <paramref name="runner"/>.</summary>
    public static IEnumerable<Command> Create(CommandRunner runner)
    {
        var list = new Command("list", "List the registered models with their latest version and aliases");
        runner.SetAction(list, async (_, context, cancellationToken) =>
        {
            context.Show(await context.Client.ListModelsAsync(cancellationToken), context.Renderer.Models);
            return ExitCodes.Success;
        });

        var showName = new Argument<string>("name") { Description = "The model's name" };
        var show = new Command("show", "Show a model's versions with their metrics, its aliases and alias history") { showName };
        runner.SetAction(show, async (parseResult, context, cancellationToken) =>
        {
            context.Show(await context.Client.GetModelAsync(parseResult.GetRequiredValue(showName), cancellationToken), context.Renderer.Model);
            return ExitCodes.Success;
        });

        var lineageName = new Argument<string>("name") { Description = "The model's name" };
        var lineageVersion = new Argument<int>("version") { Description = "The version" };
        var lineage = new Command("lineage", "Show where a version came from: data, spec, trainer, metrics against the champion, gates, approval, promotions")
        {
            lineageName,
            lineageVersion,
        };
        runner.SetAction(lineage, async (parseResult, context, cancellationToken) =>
        {
            var body = await context.Client.GetLineageAsync(parseResult.GetRequiredValue(lineageName), parseResult.GetValue(lineageVersion), cancellationToken);
            context.Show(body, new LineageRenderer(context.Console).Render);
            return ExitCodes.Success;
        });

        var rollbackName = new Argument<string>("name") { Description = "The model's name" };
        var rollbackReason = new Option<string>("--reason") { Description = "Why (recorded)", Required = true };
        var rollback = new Command("rollback", "Move production back to the model's previous production version") { rollbackName, rollbackReason };
        runner.SetAction(rollback, async (parseResult, context, cancellationToken) =>
        {
            var body = await context.Client.RollbackAsync(parseResult.GetRequiredValue(rollbackName), parseResult.GetRequiredValue(rollbackReason), cancellationToken);
            context.Show(body, context.Renderer.Rollback);
            return ExitCodes.Success;
        });

        return [new Command("models", "Registered models") { list, show }, lineage, rollback];
    }
}
