using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>
/// The CLI against the real platform (the functions in the local runtime, in-process, on Azurite): each test prepares
/// its own model and dataset with the CLI's own commands, so no test can satisfy another's wait.
/// </summary>
public sealed partial class EndToEndTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-cli-e2e-").FullName;

    private Uri Url => fixture.Runtime.Client.BaseAddress!;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Retrain_FollowOnTheRealPlatform_PromotesAndLineageNamesTheDatasetAndTrainer()
    {
        string model = Unique("cli-line");
        string datasetId = await PrepareAsync(model);

        CliResult retrain = await RunAsync("retrain", model, "--follow", "--reason", "end-to-end", "--token", TestTokens.For("alice"));
        CliResult lineage = await RunAsync("lineage", model, "1");
        CliResult list = await RunAsync("retrainings", "list", model);
        CliResult rollback = await RunAsync("rollback", model, "--reason", "nothing to go back to", "--token", TestTokens.For("bob"));

        Assert.True(retrain.ExitCode == 0, retrain.ToString());
        Assert.Contains($"Promoted: {model} version 1 is in production.", retrain.Stdout, StringComparison.Ordinal);
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        Assert.Contains($"{model} version 1 (promoted), aliases: production", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Dataset {datasetId}", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains("Trainer fasttree", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{DemoSetup.Rows} rows used", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains("Gates: all passed", lineage.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"production\s*│\s*promotion\s*│\s*│\s*1\s*│", lineage.Stdout);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"│\s*http\s*│\s*alice\s*│[^│]*│\s*end-to-end\s*│\s*1\s*│\s*Completed\s*│\s*1\s*│\s*promoted", list.Stdout);
        Assert.Equal(2, rollback.ExitCode);
        Assert.Equal(
            $"Model '{model}': 'production' has no earlier version to roll back to (it points at version 1).",
            rollback.Stderr.TrimEnd());
    }

    [Fact]
    public async Task SpecsPut_InvalidSpecOnTheRealPlatform_Exits2AndPrintsEveryFieldError()
    {
        string model = Unique("cli-spec");
        string file = Write("bad-spec.json", """{"task": "x", "trainer": {"name": "fasttree"}}""");

        CliResult result = await RunAsync("specs", "put", model, file);

        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Stderr.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.Equal("The spec has 2 errors, each listed in 'errors' with its field.", lines[0]);
        Assert.StartsWith("  task: 'x' is not a task", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("  data: ", lines[2], StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Approve_ManualApprovalOnTheRealPlatform_StarterRefusedAnotherReviewerPromotes()
    {
        string model = Unique("cli-appr");
        await PrepareAsync(model, spec => spec["approval"] = new JsonObject { ["mode"] = "manual", ["timeout"] = "00:10:00" });

        CliResult waiting = await RunAsync("retrain", model, "--follow", "--token", TestTokens.For("alice"));
        Assert.True(waiting.ExitCode == 4, waiting.ToString());
        string id = StartedId().Match(waiting.Stdout).Groups["id"].Value;
        Assert.Contains($"mlops approve {model} {id} --reason", waiting.Stdout, StringComparison.Ordinal);

        CliResult self = await RunAsync("approve", model, id, "--reason", "ok", "--token", TestTokens.For("alice"));
        CliResult approved = await RunAsync("approve", model, id, "--reason", "ok", "--token", TestTokens.For("bob"));
        // The approval is an event the orchestration takes a moment to act on; until then follow still sees it waiting (exit 4).
        CliResult followed = await RunAsync("retrainings", "follow", model, id);
        for (var until = DateTime.UtcNow.AddSeconds(60); followed.ExitCode == 4 && DateTime.UtcNow < until;)
        {
            await Task.Delay(500);
            followed = await RunAsync("retrainings", "follow", model, id);
        }

        CliResult lineage = await RunAsync("lineage", model, "1");

        Assert.Equal(2, self.ExitCode);
        Assert.Contains("cannot approve or reject it", self.Stderr, StringComparison.Ordinal);
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Equal($"Approved retraining {id} of {model} by bob: ok", approved.Stdout.TrimEnd());
        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Contains($"Promoted: {model} version 1 is in production.", followed.Stdout, StringComparison.Ordinal);
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        Assert.Matches(@"Decision\s+approved", lineage.Stdout);
        Assert.Matches(@"By\s+bob", lineage.Stdout);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    [GeneratedRegex(@"Started retraining (?<id>\S+) of ")]
    private static partial Regex StartedId();

    /// <summary>Uploads the demo data and puts the demo spec on it with the CLI; returns the dataset's id (its SHA-256).</summary>
    private async Task<string> PrepareAsync(string model, Action<JsonObject>? change = null)
    {
        string dataset = model + "-data";
        string csv = Write($"{dataset}.csv", DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        CliResult upload = await RunAsync("datasets", "upload", dataset, csv, "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());

        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        change?.Invoke(spec);
        CliResult put = await RunAsync("specs", "put", model, Write($"{model}.json", spec.ToJsonString()));
        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Contains($"Stored {model} spec version 1 (new).", put.Stdout, StringComparison.Ordinal);

        using JsonDocument stored = JsonDocument.Parse(upload.Stdout);
        return stored.RootElement.GetProperty("sha256").GetString()!;
    }

    // As the test admin (every role) unless the call names its own token.
    private Task<CliResult> RunAsync(params string[] args) => Cli.RunAsync(Url, args.Contains("--token") ? args : [.. args, "--token", TestTokens.Admin]);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
