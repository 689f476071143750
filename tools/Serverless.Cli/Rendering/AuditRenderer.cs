using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>Prints the audit log (<c>GET /audit</c>) and its verification (<c>GET /audit/verify</c>).</summary>
internal sealed class AuditRenderer(IAnsiConsole console)
{
    /// <summary>One page of entries, and how to ask for the next.</summary>
    public void Entries(JsonElement page)
    {
        var entries = page.Items("entries").ToList();
        if (entries.Count == 0)
        {
            console.WriteLine("No audit entries match.");
        }
        else
        {
            var table = Cells.Table("Chain", "#", "Time", "Actor", "Action", "Target", "Outcome", "Before", "After", "Reason");
            foreach (JsonElement record in entries)
            {
                JsonElement entry = record.Get("entry") ?? default;
                JsonElement actor = entry.Get("actor") ?? default;
                Cells.Row(
                    table,
                    record.Text("chain"),
                    record.Text("sequence"),
                    entry.Time("time"),
                    actor.Text("name") == actor.Text("subject") ? actor.Text("subject") : $"{actor.Text("name")} ({actor.Text("subject")})",
                    entry.Text("action"),
                    Target(entry),
                    entry.Get("status") is { ValueKind: JsonValueKind.Number } ? $"{entry.Text("outcome")} ({entry.Text("status")})" : entry.Text("outcome"),
                    entry.Text("before"),
                    entry.Text("after"),
                    entry.Text("reason"));
            }

            console.Write(table);
        }

        if (page.Get("continuationToken") is { ValueKind: JsonValueKind.String } token)
        {
            console.WriteLine($"More entries: add --continuation \"{token.GetString()}\"");
        }
    }

    /// <summary>Whether the chains hold, or where the first break is.</summary>
    public void Verification(JsonElement result)
    {
        string walked = $"{result.Text("entries")} entries in {result.Text("chains")} chains";
        if (result.Get("verified") is { ValueKind: JsonValueKind.True })
        {
            console.WriteLine($"Verified: {walked}; every hash matches.");
            return;
        }

        JsonElement broken = result.Get("firstBreak") ?? default;
        console.WriteLine($"BROKEN: chain '{broken.Text("chain")}', entry {broken.Text("sequence")}: {broken.Text("why")}");
        console.Write(Cells.Facts(
            ("Expected", broken.Text("expected")),
            ("Found", broken.Text("found") is { Length: > 0 } found ? found : "nothing"),
            ("Intact before it", walked)));
    }

    private static string Target(JsonElement entry)
    {
        var parts = new List<string>();
        if (entry.Text("model") is { Length: > 0 } model)
        {
            parts.Add(entry.Text("version") is { Length: > 0 } version ? $"{model} v{version}" : model);
        }

        if (entry.Text("alias") is { Length: > 0 } alias)
        {
            parts.Add("alias " + alias);
        }

        if (entry.Text("run") is { Length: > 0 } run)
        {
            parts.Add(run);
        }

        return string.Join(", ", parts);
    }
}
