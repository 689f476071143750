using System.CommandLine;

namespace Serverless.Cli.Commands;

/// <summary><c>datasets upload|show|list</c>: training data uploaded over HTTP.</summary>
internal static class DatasetsCommands
{
    /// <summary>The <c>datasets</c> command, its actions bound through <paramref name="runner"/>.</summary>
    public static Command Create(CommandRunner runner)
    {
        var uploadName = new Argument<string>("name") { Description = "The dataset's name (a spec refers to it as data.dataset)" };
        var uploadFile = new Argument<FileInfo>("file") { Description = "A CSV file" }.AcceptExistingOnly();
        var upload = new Command("upload", "Upload a CSV file as a dataset (streamed, stored by its SHA-256)") { uploadName, uploadFile };
        runner.SetAction(upload, async (parseResult, context, cancellationToken) =>
        {
            await using FileStream csv = parseResult.GetRequiredValue(uploadFile).OpenRead();
            var body = await context.Client.UploadDatasetAsync(parseResult.GetRequiredValue(uploadName), csv, cancellationToken);
            context.Show(body, context.Renderer.Dataset);
            return ExitCodes.Success;
        });

        var showName = new Argument<string>("name") { Description = "The dataset's name" };
        var show = new Command("show", "Show a dataset's latest upload") { showName };
        runner.SetAction(show, async (parseResult, context, cancellationToken) =>
        {
            context.Show(await context.Client.GetDatasetAsync(parseResult.GetRequiredValue(showName), cancellationToken), context.Renderer.Dataset);
            return ExitCodes.Success;
        });

        var list = new Command("list", "List the uploaded datasets");
        runner.SetAction(list, async (_, context, cancellationToken) =>
        {
            context.Show(await context.Client.ListDatasetsAsync(cancellationToken), context.Renderer.Datasets);
            return ExitCodes.Success;
        });

        return new Command("datasets", "Datasets uploaded over HTTP") { upload, show, list };
    }
}
