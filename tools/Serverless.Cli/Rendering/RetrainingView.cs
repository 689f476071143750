using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serverless.Cli.Rendering;

/// <summary>How a retraining's status (<c>GET /models/{name}/retrainings/{id}</c>) reads: its facts and its steps.</summary>
internal static class RetrainingView
{
    /// <summary>The status as a header and a table of steps (also the live display's content).</summary>
    public static IRenderable Render(JsonElement status)
    {
        string step = status.Text("currentStep");
        var facts = Cells.Facts(
            ("Retraining", status.Text("instanceId")),
            ("Model", status.Text("model")),
            ("Status", step.Length > 0 ? $"{status.Text("runtimeStatus")} (step: {step})" : status.Text("runtimeStatus")),
            ("Candidate version", status.Text("candidateVersion")),
            ("Outcome", status.Text("outcome")),
            // A promoted run has nothing to explain; the platform has been seen to put its serialized result there.
            ("Reason", status.Text("outcome") == "promoted" ? "" : status.Text("reason")),
            ("Started", Join(status.Time("startedAt"), Prefixed("by ", status.Text("startedBy")), Prefixed("trigger ", status.Text("trigger")))),
            ("Last update", status.Time("lastUpdatedAt")));

        // Clock times only: the date is in the header, and the table has to fit a terminal beside the details.
        var steps = Cells.Table("Step", "State", "Started", "Took", "Detail");
        foreach (JsonElement s in status.Items("steps"))
        {
            steps.AddRow(
                new Text(s.Text("name")),
                StateCell(State(s)),
                new Text(Clock(s.Text("startedAt"))),
                new Text(Took(s)),
                new Text(s.Text("detail")));
        }

        return new Rows(facts, steps);
    }

    /// <summary>A step's state: its outcome once it ended; <c>waiting</c> (approval) or <c>running</c> while it runs; <c>pending</c> before.</summary>
    public static string State(JsonElement step) =>
        step.Text("outcome") is { Length: > 0 } outcome ? outcome
        : step.Text("startedAt").Length == 0 ? "pending"
        : step.Text("name") == "approval" ? "waiting"
        : "running";

    /// <summary>How long a step took, once it ended.</summary>
    public static string Took(JsonElement step) =>
        DateTimeOffset.TryParse(step.Text("startedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset started)
        && DateTimeOffset.TryParse(step.Text("endedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset ended)
            ? string.Create(CultureInfo.InvariantCulture, $"{(ended - started).TotalSeconds:0.0} s")
            : "";

    private static string Clock(string timestamp) =>
        DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time.UtcDateTime.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : timestamp;

    private static Text StateCell(string state) => state switch
    {
        "succeeded" or "approved" => new Text(state, new Style(Color.Green)),
        "failed" or "rejected" => new Text(state, new Style(Color.Red, decoration: Decoration.Bold)),
        "running" or "waiting" => new Text(state, new Style(Color.Yellow)),
        _ => new Text(state),
    };

    private static string Prefixed(string prefix, string value) => value.Length > 0 ? prefix + value : "";

    private static string Join(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
}
