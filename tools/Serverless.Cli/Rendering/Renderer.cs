using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>Prints the API's answers as tables for people (the <c>--json</c> output is for programs).</summary>
internal sealed class Renderer(IAnsiConsole console)
{
    /// <summary><c>GET /models</c>.</summary>
    public void Models(JsonElement body)
    {
        var models = body.Items("models").ToList();
        if (models.Count == 0)
        {
            console.WriteLine("No models registered.");
            return;
        }

        var table = Cells.Table("Name", "Latest version", "Aliases", "Created");
        foreach (JsonElement model in models)
        {
            Cells.Row(table, model.Text("name"), model.Text("latestVersion"), Aliases(model), model.Time("createdAt"));
        }

        console.Write(table);
    }

    /// <summary><c>GET /models/{name}</c>: versions with their metrics, aliases and alias history.</summary>
    public void Model(JsonElement model)
    {
        console.Write(Cells.Facts(
            ("Model", model.Text("name")),
            ("Latest version", model.Text("latestVersion")),
            ("Aliases", Aliases(model)),
            ("Created", model.Time("createdAt"))));

        console.Write(Cells.Heading("Versions"));
        // The description is left to the lineage: with the retraining line's long registrant names it would wrap every row.
        var versions = Cells.Table("Version", "Registered", "By", "SHA-256", "Size", "Trainer", "Metrics", "Training data");
        foreach (JsonElement version in model.Items("versions"))
        {
            JsonElement metadata = version.Get("metadata") ?? default;
            Cells.Row(
                versions,
                version.Text("version"),
                version.Time("registeredAt"),
                metadata.Text("registeredBy"),
                JsonValues.ShortHash(version.Text("sha256")),
                JsonValues.FormatBytes(version.Number("sizeBytes")),
                (metadata.Get("training") ?? default).Text("trainer"),
                metadata.Text("metrics"),
                ShortData(metadata.Text("trainingData")));
        }

        console.Write(versions);
        AliasHistory(model.Items("aliasHistory").ToList());
        Events(model.Items("events").ToList());
    }

    /// <summary>An alias history table (registry or lineage); nothing when there were no moves.</summary>
    public void AliasHistory(IReadOnlyList<JsonElement> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        console.Write(Cells.Heading("Alias history"));
        var table = Cells.Table("Changed", "Alias", "Kind", "From", "To", "By", "Reason");
        foreach (JsonElement change in changes)
        {
            Cells.Row(
                table,
                change.Time("changedAt"),
                change.Text("alias"),
                change.Text("kind"),
                change.Text("previousVersion"),
                change.Text("version"),
                change.Text("changedBy"),
                change.Text("reason"));
        }

        console.Write(table);
    }

    /// <summary>A model's or version's events (such as an integrity failure); nothing when there were none.</summary>
    public void Events(IReadOnlyList<JsonElement> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        console.Write(Cells.Heading("Events"));
        var table = Cells.Table("At", "Version", "Kind", "Message");
        foreach (JsonElement e in events)
        {
            Cells.Row(table, e.Time("at"), e.Text("version"), e.Text("kind"), e.Text("message"));
        }

        console.Write(table);
    }

    /// <summary><c>POST /models/{name}/rollback</c>.</summary>
    public void Rollback(JsonElement body) =>
        console.Write(Cells.Facts(
            ("Model", body.Text("model")),
            ("Alias", body.Text("alias")),
            ("From version", body.Text("fromVersion")),
            ("To version", body.Text("toVersion")),
            ("Reason", body.Text("reason")),
            ("By", body.Text("by")),
            ("At", body.Time("at"))));

    /// <summary><c>GET /specs</c>.</summary>
    public void Specs(JsonElement body)
    {
        var specs = body.Items("specs").ToList();
        if (specs.Count == 0)
        {
            console.WriteLine("No specs.");
            return;
        }

        var table = Cells.Table("Model", "Version", "Task", "Trainer", "Data", "Approval", "Schedule", "SHA-256", "Created", "By");
        foreach (JsonElement record in specs)
        {
            JsonElement spec = record.Get("spec") ?? default;
            JsonElement data = spec.Get("data") ?? default;
            string source = data.Text("source") is { Length: > 0 } blob ? blob : data.Text("dataset") is { Length: > 0 } dataset ? "dataset:" + dataset : "";
            Cells.Row(
                table,
                record.Text("model"),
                record.Text("version"),
                spec.Text("task"),
                (spec.Get("trainer") ?? default).Text("name"),
                source,
                (spec.Get("approval") ?? default).Text("mode") is { Length: > 0 } mode ? mode : "automatic",
                spec.Text("schedule"),
                JsonValues.ShortHash(record.Text("sha256")),
                record.Time("createdAt"),
                record.Text("createdBy"));
        }

        console.Write(table);
    }

    /// <summary>A stored spec's record (<c>PUT</c> or <c>GET /specs/{name}</c>): its version facts and, when asked, the spec itself.</summary>
    public void Spec(JsonElement record, bool withBody)
    {
        console.Write(Cells.Facts(
            ("Model", record.Text("model")),
            ("Version", record.Text("version")),
            ("SHA-256", record.Text("sha256")),
            ("Created", record.Time("createdAt")),
            ("By", record.Text("createdBy"))));
        if (withBody && record.Get("spec") is { } spec)
        {
            console.Profile.Out.Writer.WriteLine(Indented(spec));
        }
    }

    /// <summary><c>GET /datasets</c>.</summary>
    public void Datasets(JsonElement body)
    {
        var datasets = body.Items("datasets").ToList();
        if (datasets.Count == 0)
        {
            console.WriteLine("No datasets uploaded.");
            return;
        }

        var table = Cells.Table("Name", "SHA-256", "Size", "Uploaded", "By");
        foreach (JsonElement dataset in datasets)
        {
            Cells.Row(
                table,
                dataset.Text("name"),
                JsonValues.ShortHash(dataset.Text("sha256")),
                JsonValues.FormatBytes(dataset.Number("sizeBytes")),
                dataset.Time("uploadedAt"),
                dataset.Text("uploadedBy"));
        }

        console.Write(table);
    }

    /// <summary>One dataset (<c>POST</c> or <c>GET /datasets/{name}</c>).</summary>
    public void Dataset(JsonElement dataset) =>
        console.Write(Cells.Facts(
            ("Dataset", dataset.Text("name")),
            ("SHA-256", dataset.Text("sha256")),
            ("Size", JsonValues.FormatBytes(dataset.Number("sizeBytes"))),
            ("Uploaded", dataset.Time("uploadedAt")),
            ("By", dataset.Text("uploadedBy"))));

    /// <summary><c>GET /models/{name}/retrainings</c>.</summary>
    public void Retrainings(JsonElement body)
    {
        var retrainings = body.Items("retrainings").ToList();
        if (retrainings.Count == 0)
        {
            console.WriteLine("No retrainings.");
            return;
        }

        var table = Cells.Table("Instance", "Trigger", "Started by", "Started", "Why", "Spec", "Status", "Candidate", "Outcome", "Completed");
        foreach (JsonElement run in retrainings)
        {
            string outcome = run.Text("outcomeReason") is { Length: > 0 } because ? $"{run.Text("outcome")}: {because}" : run.Text("outcome");
            Cells.Row(
                table,
                run.Text("instanceId"),
                run.Text("trigger"),
                run.Text("startedBy"),
                run.Time("startedAt"),
                run.Text("reason"),
                run.Text("specVersion"),
                run.Text("currentStep") is { Length: > 0 } step ? $"{run.Text("runtimeStatus")} ({step})" : run.Text("runtimeStatus"),
                run.Text("candidateVersion"),
                outcome,
                run.Time("completedAt"));
        }

        console.Write(table);
        foreach (JsonElement waiting in retrainings.Where(r => r.Text("currentStep") == "approval"))
        {
            console.WriteLine(
                $"{waiting.Text("instanceId")} waits for approval of version {waiting.Text("candidateVersion")}: review it with mlops retrainings show {waiting.Text("model")} {waiting.Text("instanceId")}");
        }
    }

    // The retraining line records its data as dataset:SHA-256; a short hash tells snapshots apart.
    private static string ShortData(string trainingData) =>
        trainingData.StartsWith("dataset:", StringComparison.Ordinal) && trainingData["dataset:".Length..] is { Length: 64 } hash && hash.All(char.IsAsciiHexDigit)
            ? "dataset:" + JsonValues.ShortHash(hash)
            : trainingData;

    private static string Aliases(JsonElement model) =>
        string.Join(", ", model.Properties("aliases").Select(a => $"{a.Name}={JsonValues.Display(a.Value)}"));

    private static string Indented(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
