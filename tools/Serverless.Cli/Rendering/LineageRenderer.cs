using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Prints a version's lineage (<c>GET /models/{name}/versions/{version}/lineage</c>): where it came from as a tree
/// (registration, training, dataset snapshot), then the review (candidate and champion metrics side by side, fairness,
/// gates, the approval decision or the rejection reason) and the alias moves and events that touched it.
/// </summary>
internal sealed class LineageRenderer(IAnsiConsole console)
{
    /// <summary>Writes the whole lineage.</summary>
    public void Render(JsonElement lineage)
    {
        Origin(lineage);
        if (lineage.Get("review") is { } review)
        {
            JsonElement? candidate = review.Get("candidate");
            JsonElement? champion = review.Get("champion");
            Metrics(candidate, champion, review.Text("championVersion"), review.Text("championNote"));
            Fairness(candidate, champion);
            Gates(review.Get("gates"));
            Decision(review);
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
    }

    private void Metrics(JsonElement? candidate, JsonElement? champion, string championVersion, string championNote)
    {
        if (candidate is not { } c)
        {
            return;
        }

        console.Write(Cells.Heading("Metrics on the holdout"));
        string championHeading = champion is null ? "Champion (none)" : $"Champion (version {championVersion})";
        var table = Cells.Table("Metric", "Candidate", championHeading);
        JsonElement theirs = champion ?? default;
        var names = c.Properties("metrics").Select(p => p.Name)
            .Concat(theirs.Properties("metrics").Select(p => p.Name))
            .Distinct(StringComparer.Ordinal);
        Cells.Row(table, "rows", c.Text("rows"), theirs.Text("rows"));
        foreach (string name in names)
        {
            Cells.Row(table, name, (c.Get("metrics") ?? default).Text(name), (theirs.Get("metrics") ?? default).Text(name));
        }

        console.Write(table);
        if (champion is null && championNote.Length > 0)
        {
            console.Write(new Text($"No champion: {championNote}{Environment.NewLine}"));
        }
    }

    private void Fairness(JsonElement? candidate, JsonElement? champion)
    {
        if (candidate is not { } c || !c.Properties("fairness").Any() && !c.Properties("groups").Any())
        {
            return;
        }

        console.Write(Cells.Heading("Fairness"));
        JsonElement championFairness = (champion ?? default).Get("fairness") ?? default;
        if (c.Properties("fairness").Any())
        {
            var table = Cells.Table(
                "Attribute", "Disparate impact", "Equal-opportunity difference", "Lowest / highest group",
                "Champion disparate impact", "Champion equal-opportunity difference");
            foreach (JsonProperty attribute in c.Properties("fairness"))
            {
                JsonElement theirs = championFairness.Get(attribute.Name) ?? default;
                Cells.Row(
                    table,
                    attribute.Name,
                    attribute.Value.Text("disparateImpact"),
                    attribute.Value.Text("equalOpportunityDifference"),
                    $"{attribute.Value.Text("lowestGroup")} / {attribute.Value.Text("highestGroup")}",
                    theirs.Text("disparateImpact"),
                    theirs.Text("equalOpportunityDifference"));
            }

            console.Write(table);
        }

        var groups = Cells.Table("Attribute", "Group", "Rows", "Positive rate", "True-positive rate", "Metrics");
        foreach (JsonProperty attribute in c.Properties("groups"))
        {
            foreach (JsonProperty group in attribute.Value.EnumerateObject())
            {
                Cells.Row(
                    groups,
                    attribute.Name,
                    group.Name,
                    group.Value.Text("rows"),
                    group.Value.Text("positiveRate"),
                    group.Value.Text("truePositiveRate"),
                    group.Value.Text("metrics"));
            }
        }

        console.Write(groups);
    }

    private void Gates(JsonElement? gates)
    {
        if (gates is not { } g)
        {
            return;
        }

        bool passed = g.Get("passed") is { ValueKind: JsonValueKind.True };
        console.Write(Cells.Heading(passed ? "Gates: all passed" : "Gates: failed"));
        var table = Cells.Table("Gate", "Value", "Threshold", "Result", "Message");
        foreach (JsonElement result in g.Items("results"))
        {
            table.AddRow(
                new Text(result.Text("gate")),
                new Text(result.Text("value")),
                new Text(result.Text("threshold")),
                Cells.PassFail(result.Get("passed") is { ValueKind: JsonValueKind.True }),
                new Text(result.Text("message")));
        }

        console.Write(table);
    }

    private void Decision(JsonElement review)
    {
        if (review.Get("approval") is { } approval)
        {
            console.Write(Cells.Heading("Approval"));
            console.Write(Cells.Facts(
                ("Decision", approval.Get("approved") is { ValueKind: JsonValueKind.True } ? "approved" : "rejected"),
                ("By", approval.Text("by")),
                ("At", approval.Time("at")),
                ("Reason", approval.Text("reason"))));
        }

        if (review.Text("reason") is { Length: > 0 } reason)
        {
            string heading = review.Text("status") switch
            {
                "rejected" => "Rejected because",
                "failed" => "Failed because",
                _ => "Reason",
            };
            console.Write(Cells.Heading(heading));
            console.Write(new Text(reason + Environment.NewLine));
        }
    }
}
