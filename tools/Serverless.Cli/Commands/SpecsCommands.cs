using System.CommandLine;
using System.Text.Json;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>specs put|get|list</c>: the models' declarative specs.</summary>
internal static class SpecsCommands
{
    /// <summary>The <c>specs</c> command, its actions bound through <paramref name="runner"/>.</summary>
    public static Command Create(CommandRunner runner)
    {
        var putName = new Argument<string>("name") { Description = "The model's name" };
        var putFile = new Argument<FileInfo>("file") { Description = "The spec, a JSON file" }.AcceptExistingOnly();
        var put = new Command("put", "Store a new version of a model's spec (the API checks it and lists every error)") { putName, putFile };
        runner.SetAction(put, async (parseResult, context, cancellationToken) =>
        {
            FileInfo file = parseResult.GetRequiredValue(putFile);
            string json = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            EnsureJson(file, json);
            var body = await context.Client.PutSpecAsync(parseResult.GetRequiredValue(putName), json, cancellationToken);
            context.Show(body, record =>
            {
                bool created = record.Get("created") is not { ValueKind: JsonValueKind.False };
                context.Output.WriteLine(created
                    ? $"Stored {record.Text("model")} spec version {record.Text("version")} (new)."
                    : $"Unchanged: {record.Text("model")} spec version {record.Text("version")} already has this content.");
                context.Renderer.Spec(record, withBody: false);
            });
            return ExitCodes.Success;
        });

        var getName = new Argument<string>("name") { Description = "The model's name" };
        var getVersion = new Option<int?>("--version") { Description = "A spec version (default: the latest)" };
        var get = new Command("get", "Print a model's spec") { getName, getVersion };
        runner.SetAction(get, async (parseResult, context, cancellationToken) =>
        {
            var body = await context.Client.GetSpecAsync(parseResult.GetRequiredValue(getName), parseResult.GetValue(getVersion), cancellationToken);
            context.Show(body, record => context.Renderer.Spec(record, withBody: true));
            return ExitCodes.Success;
        });

        var list = new Command("list", "List the latest spec of every model");
        runner.SetAction(list, async (_, context, cancellationToken) =>
        {
            context.Show(await context.Client.ListSpecsAsync(cancellationToken), context.Renderer.Specs);
            return ExitCodes.Success;
        });

        return new Command("specs", "Model specs: task, data, trainer, gates, approval, schedule") { put, get, list };
    }

    private static void EnsureJson(FileInfo file, string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{file.FullName} is not valid JSON: {ex.Message}");
        }
    }
}
