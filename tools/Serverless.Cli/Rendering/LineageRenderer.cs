using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Prints a version's lineage (<c>GET /models/{name}/versions/{version}/lineage</c>): where it came from as a tree, then
/// candidate and champion metrics side by side, fairness, gates, approval and the alias moves that touched it.
/// </summary>
internal sealed class LineageRenderer(IAnsiConsole console)
{
    /// <summary>Writes the whole lineage.</summary>
    public void Render(JsonElement lineage)
    {
        Origin(lineage);
        JsonElement metrics = lineage.Get("metrics") ?? default;
        JsonElement? candidate = metrics.Get("candidate");
        JsonElement? champion = metrics.Get("champion");
        string championVersion = metrics.Text("championVersion");
        Metrics(candidate, champion, championVersion);
        Fairness(candidate, champion);
        Gates(lineage.Get("gates"));
        Approval(lineage);
        var renderer = new Renderer(console);
        renderer.AliasHistory(lineage.Items("aliasHistory").ToList());
        renderer.Events(lineage.Items("events").ToList());
    }

    private void Origin(JsonElement lineage)
    {
        var tree = new Tree(new Text($"{lineage.Text("model")} version {lineage.Text("version")} ({lineage.Text("status")})", new Style(decoration: Decoration.Bold)));
        tree.AddNode(new Text($"Registered {lineage.Time("registeredAt")}, SHA-256 {lineage.Text("sha256")}"));

        if (lineage.Get("dataset") is { } dataset)
        {
            var node = tree.AddNode(new Text($"Dataset {dataset.Text("id")}"));
            node.AddNode(new Text($"source {dataset.Text("source")} ({dataset.Text("format")}, {JsonValues.FormatBytes(dataset.Number("sizeBytes"))})"));
            node.AddNode(new Text($"{dataset.Text("rows")} rows used, {dataset.Text("droppedRows")} dropped"));
            var columns = dataset.Items("schema").Select(c => $"{c.Text("name")} ({c.Text("role")}, {c.Text("type")})").ToList();
            if (columns.Count > 0)
            {
                node.AddNode(new Text("columns: " + string.Join(", ", columns)));
            }
        }
        else
        {
            tree.AddNode(new Text("Dataset: none recorded (registered outside the retraining line)"));
        }

        if (lineage.Get("spec") is { } spec)
        {
            tree.AddNode(new Text($"Spec version {spec.Text("version")}, SHA-256 {spec.Text("sha256")}"));
        }

        if (lineage.Get("trainer") is { } trainer)
        {
            var node = tree.AddNode(new Text($"Trainer {trainer.Text("name")}"));
            string hyperparameters = trainer.Text("hyperparameters");
            if (hyperparameters.Length > 0)
            {
                node.AddNode(new Text(hyperparameters));
            }
        }

        if (lineage.Text("codeVersion") is { Length: > 0 } code)
        {
            tree.AddNode(new Text($"Code version {code}"));
        }

        if (lineage.Text("instanceId") is { Length: > 0 } instance)
        {
            tree.AddNode(new Text($"Retraining {instance}"));
        }

        console.Write(tree);
    }

    private void Metrics(JsonElement? candidate, JsonElement? champion, string championVersion)
    {
        if (candidate is not { } c)
        {
            return;
        }

        console.Write(Cells.Heading("Metrics on the holdout"));
        string championHeading = champion is null ? "Champion (none)" : $"Champion (version {championVersion})";
        var table = Cells.Table("Metric", "Candidate", championHeading);
        var names = c.Properties("metrics").Select(p => p.Name)
            .Concat((champion ?? default).Properties("metrics").Select(p => p.Name))
            .Distinct(StringComparer.Ordinal);
        Cells.Row(table, "rows", c.Text("rows"), (champion ?? default).Text("rows"));
        foreach (string name in names)
        {
            Cells.Row(table, name, (c.Get("metrics") ?? default).Text(name), ((champion ?? default).Get("metrics") ?? default).Text(name));
        }

        console.Write(table);
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

    private void Approval(JsonElement lineage)
    {
        if (lineage.Get("approval") is { } approval)
        {
            console.Write(Cells.Heading("Approval"));
            console.Write(Cells.Facts(
                ("Decision", approval.Text("decision")),
                ("By", approval.Text("by")),
                ("At", approval.Time("at")),
                ("Reason", approval.Text("reason"))));
        }

        var reasons = lineage.Items("rejectionReasons").Select(JsonValues.Display).ToList();
        if (reasons.Count > 0)
        {
            console.Write(Cells.Heading("Rejected because"));
            foreach (string reason in reasons)
            {
                console.Write(new Text("- " + reason + Environment.NewLine));
            }
        }
    }
}
