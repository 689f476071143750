using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Prints a candidate's review (the <c>review</c> of a retraining's status or of a version's lineage): candidate and
/// champion metrics side by side, fairness per protected attribute and group, gates, global feature importance, and the
/// approval decision or the rejection reason: what an approver reads before deciding.
/// </summary>
internal sealed class ReviewRenderer(IAnsiConsole console)
{
    /// <summary>Writes the whole review.</summary>
    public void Render(JsonElement review)
    {
        JsonElement? candidate = review.Get("candidate");
        JsonElement? champion = review.Get("champion");
        Metrics(candidate, champion, review.Text("championVersion"), review.Text("championNote"));
        Fairness(candidate, champion);
        Gates(review.Get("gates"));
        Importance(review.Get("importance"), review.Text("importanceNote"));
        Decision(review);
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

    private void Importance(JsonElement? importance, string note)
    {
        if (importance is not { } i)
        {
            if (note.Length > 0)
            {
                console.Write(Cells.Heading("Feature importance"));
                console.Write(new Text($"Not available: {note}{Environment.NewLine}"));
            }

            return;
        }

        var features = i.Items("features").ToList();
        string shown = features.Count < (i.Number("inputs") ?? features.Count)
            ? string.Create(CultureInfo.InvariantCulture, $"top {features.Count} of {i.Text("inputs")} inputs")
            : "every input";
        console.Write(Cells.Heading($"Feature importance ({shown})"));
        console.Write(new Text($"{i.Text("measure")}, {i.Text("space")} ({i.Text("method")}); against {i.Text("baselineDescription")}{Environment.NewLine}"));
        var table = Cells.Table("Feature", "Mean |attribution|");
        foreach (JsonElement feature in features)
        {
            Cells.Row(table, feature.Text("feature"), feature.Number("importance") is double value ? value.ToString("G4", CultureInfo.InvariantCulture) : "");
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
