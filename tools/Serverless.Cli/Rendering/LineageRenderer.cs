using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Prints a version's lineage (<c>GET /models/{name}/versions/{version}/lineage</c>): where it came from as a tree
/// (registration, training, dataset snapshot), then the review (<see cref="ReviewRenderer"/>) and the alias moves and
/// events that touched it.
/// </summary>
internal sealed class LineageRenderer(IAnsiConsole console)
{
    /// <summary>Writes the whole lineage.</summary>
    public void Render(JsonElement lineage)
    {
        Origin(lineage);
        if (lineage.Get("review") is { } review)
        {
            new ReviewRenderer(console).Render(review);
        }
        else
        {
            console.Write(Cells.Heading("Review"));
            console.Write(new Text("None recorded: this version was registered outside the retraining line." + Environment.NewLine));
        }

        var renderer = new Renderer(console);
        renderer.AliasHistory(lineage.Items("aliasHistory").ToList());
        renderer.Events(lineage.Items("events").ToList());
    }

    private void Origin(JsonElement lineage)
    {
        string aliases = string.Join(", ", lineage.Items("aliases").Select(JsonValues.Display));
        string title = $"{lineage.Text("model")} version {lineage.Text("version")} ({lineage.Text("status")})"
            + (aliases.Length > 0 ? $", aliases: {aliases}" : "");
        var tree = new Tree(new Text(title, new Style(decoration: Decoration.Bold)));

        JsonElement registration = lineage.Get("registration") ?? default;
        JsonElement metadata = registration.Get("metadata") ?? default;
        string by = metadata.Text("registeredBy") is { Length: > 0 } who ? $" by {who}" : "";
        var registered = tree.AddNode(new Text($"Registered {registration.Time("registeredAt")}{by}"));
        registered.AddNode(new Text($"SHA-256 {registration.Text("sha256")}, {JsonValues.FormatBytes(registration.Number("sizeBytes"))}"));
        if (metadata.Text("description") is { Length: > 0 } description)
        {
            registered.AddNode(new Text(description));
        }

        if (lineage.Get("training") is { } training)
        {
            var node = tree.AddNode(new Text($"Retraining {training.Text("instanceId")}"));
            node.AddNode(new Text($"Spec version {training.Text("specVersion")}, SHA-256 {training.Text("specSha256")}"));
            var trainer = node.AddNode(new Text($"Trainer {training.Text("trainer")}"
                + (training.Number("trainingSeconds") is { } seconds ? $", trained in {JsonValues.FormatNumber(seconds)} s" : "")));
            if (training.Text("hyperparameters") is { Length: > 0 } hyperparameters)
            {
                trainer.AddNode(new Text(hyperparameters));
            }

            node.AddNode(new Text($"Code version {training.Text("codeVersion")}"));
        }
        else
        {
            tree.AddNode(new Text("Training: none recorded (registered outside the retraining line)"));
        }

        if (lineage.Get("dataset") is { } dataset)
        {
            var node = tree.AddNode(new Text($"Dataset {dataset.Text("id")}"));
            node.AddNode(new Text($"source {dataset.Text("source")} ({dataset.Text("format")}, {JsonValues.FormatBytes(dataset.Number("sizeBytes"))}), snapshot {dataset.Time("snapshotAt")}"));
            node.AddNode(new Text($"{dataset.Text("rows")} rows used, {dataset.Text("droppedRows")} dropped"));
            // One column a line: a real schema is too wide for one.
            var columns = dataset.Items("schema").ToList();
            if (columns.Count > 0)
            {
                var schema = node.AddNode(new Text("columns"));
                foreach (JsonElement column in columns)
                {
                    schema.AddNode(new Text($"{column.Text("name")} ({column.Text("role")}, {column.Text("type")})"));
                }
            }

            int baseline = dataset.Items("baseline").Count();
            if (baseline > 0)
            {
                node.AddNode(new Text($"drift baseline for {baseline} features"));
            }
        }
        else if (lineage.Get("training") is { } trained)
        {
            tree.AddNode(new Text($"Dataset {trained.Text("datasetId")} from {trained.Text("datasetSource")} (its snapshot record was not found)"));
        }

        console.Write(tree);
        if (lineage.Text("importanceUrl") is { Length: > 0 } importance)
        {
            console.Write(new Text($"Global feature importance of every input: GET {importance}{Environment.NewLine}"));
        }
    }
}
