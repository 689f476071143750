using System.Text.Json;

namespace Serverless.Cli.Tests;

public sealed class RetrainingCommandsTests
{
    private const string StatusPath = "/models/churn/retrainings/run-1";

    [Fact]
    public async Task Retrain_Options_PostsThemAndSaysHowToFollow()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 202, Canned.Started);

        CliResult result = await Cli.RunAsync(
            platform, "retrain", "churn", "--data", "dataset:churn-2026-11", "--candidate-version", "7", "--reason", "new data", "--as", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("alice", request.Header("X-MS-CLIENT-PRINCIPAL-NAME"));
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal("dataset:churn-2026-11", body.RootElement.GetProperty("data").GetString());
        Assert.Equal(7, body.RootElement.GetProperty("candidateVersion").GetInt32());
        Assert.Equal("new data", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("Started retraining run-1 of churn.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops retrainings follow churn run-1", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_NoOptions_PostsAnEmptyObject()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 202, Canned.Started);

        CliResult result = await Cli.RunAsync(platform, "retrain", "churn");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{}", Assert.Single(platform.Requests).Body);
    }

    [Fact]
    public async Task Retrain_AlreadyRunning_PrintsTheApiErrorAndTheRunningIdAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 409, """{"error":"A retraining of 'churn' is already running: run-0.","instanceId":"run-0"}""");

        CliResult result = await Cli.RunAsync(platform, "retrain", "churn", "--follow");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["A retraining of 'churn' is already running: run-0.", "Follow it with: mlops retrainings follow churn run-0"],
            result.Stderr.TrimEnd().Split(Environment.NewLine));
        Assert.Single(platform.Requests);
    }

    [Fact]
    public async Task Retrain_FollowUntilPromoted_PollsEachStepAndExits0()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 202, Canned.Started);
        platform.On("GET", StatusPath, 200,
            Canned.Status("Pending", null, null, null),
            Canned.Status("Running", "train", null, null, ("snapshot", "succeeded"), ("train", "")),
            Canned.Status("Running", "gates", null, null, ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "")),
            Canned.Status("Completed", null, "promoted", null,
                ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "succeeded"), ("approval", "approved"), ("promote", "succeeded")));

        CliResult result = await Cli.RunAsync(platform, "retrain", "churn", "--follow");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4, platform.RequestsTo("GET", StatusPath).Count);
        string output = result.Stdout;
        Assert.Contains("train     running", output, StringComparison.Ordinal);
        Assert.Contains("train     succeeded (2.0 s): train detail", output, StringComparison.Ordinal);
        Assert.Contains("promote   succeeded", output, StringComparison.Ordinal);
        Assert.Contains("Promoted: churn version 5 is in production.", output, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Retrain_FollowStatusNotReadableYet_WaitsForIt()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 202, Canned.Started);
        platform.OnSequence("GET", StatusPath,
            (404, """{"error":"No retraining 'run-1' of 'churn'."}"""),
            (200, Canned.Status("Completed", null, "promoted", null, ("promote", "succeeded"))));

        CliResult result = await Cli.RunAsync(platform, "retrain", "churn", "--follow");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, platform.RequestsTo("GET", StatusPath).Count);
    }

    [Fact]
    public async Task RetrainingsFollow_PlatformBrieflyUnavailable_KeepsFollowing()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.OnSequence("GET", StatusPath,
            (503, """{"error":"Storage is not answering."}"""),
            (503, """{"error":"Storage is not answering."}"""),
            (200, Canned.Status("Completed", null, "promoted", null, ("promote", "succeeded"))));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, platform.RequestsTo("GET", StatusPath).Count);
        Assert.StartsWith("Storage is not answering. (still following;", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task RetrainingsFollow_PlatformStaysUnavailable_GivesUpWithExit1()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 503, """{"error":"Storage is not answering."}""");

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(30, platform.RequestsTo("GET", StatusPath).Count);
        Assert.EndsWith("Storage is not answering.", result.Stderr.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_FollowRejected_PrintsTheReasonAndExits3()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/retrain", 202, Canned.Started);
        platform.On("GET", StatusPath, 200,
            Canned.Status("Completed", null, "rejected", "auc 0.71 < 0.85", ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "rejected")));

        CliResult result = await Cli.RunAsync(platform, "retrain", "churn", "--follow");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Rejected: auc 0.71 < 0.85", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Completed", "failed", "Failed: column 'income' is not in the data")]
    [InlineData("Terminated", "terminated", "Terminated: column 'income' is not in the data")]
    public async Task RetrainingsFollow_FailedOrTerminated_Exits1(string runtimeStatus, string outcome, string expected)
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status(runtimeStatus, null, outcome, "column 'income' is not in the data", ("snapshot", "failed")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsFollow_WaitingForApproval_SaysHowToApproveAndExits4()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Running", "approval", null, null, ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "succeeded"), ("approval", "")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("approval  waiting", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("someone other than alice decides", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops approve churn run-1 --reason", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops reject churn run-1 --reason", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsFollow_ApprovalPassedThroughAutomatically_FollowsToTheEnd()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Running", "approval", null, null, ("gates", "succeeded"), ("approval", "")),
            Canned.Status("Running", "promote", null, null, ("gates", "succeeded"), ("approval", "approved"), ("promote", "")),
            Canned.Status("Completed", null, "promoted", null, ("gates", "succeeded"), ("approval", "approved"), ("promote", "succeeded")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task RetrainingsFollow_Json_PrintsOnlyTheFinalStatus()
    {
        await using var platform = await FakePlatform.StartAsync();
        string final = Canned.Status("Completed", null, "promoted", null, ("promote", "succeeded"));
        platform.On("GET", StatusPath, 200, Canned.Status("Running", "train", null, null, ("train", "")), final);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(final, result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task RetrainingsFollow_UnknownInstance_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 404, """{"error":"No retraining 'run-1' of 'churn'."}""");

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "churn", "run-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(platform.Requests);
        Assert.Equal("No retraining 'run-1' of 'churn'.", result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task RetrainingsList_Retrainings_PrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/churn/retrainings", 200, Canned.Retrainings);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "list", "churn");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"run-1\s*│\s*http\s*│\s*alice\s*│\s*2026-11-27 10:00:00Z\s*│\s*Completed\s*│\s*promoted", result.Stdout);
    }

    [Fact]
    public async Task RetrainingsShow_Status_PrintsStepsAndOutcome()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Completed", null, "rejected", "disparate impact 0.36 < 0.8", ("snapshot", "succeeded"), ("gates", "rejected")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "show", "churn", "run-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"gates\s*│\s*rejected\s*│\s*10:00:01Z\s*│\s*2\.0 s\s*│\s*gates detail", result.Stdout);
        Assert.Contains("disparate impact 0.36 < 0.8", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Candidate version\s+5", result.Stdout);
    }

    [Theory]
    [InlineData("approve", "approved", "Approved")]
    [InlineData("reject", "rejected", "Rejected")]
    [InlineData("terminate", "terminated", "Terminating")]
    public async Task Decision_Reason_PostsItAndPrintsTheDecision(string command, string decision, string printed)
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/{command}", 202,
            $$"""{"instanceId":"run-1","decision":"{{decision}}","by":"bob","reason":"looked at the lineage"}""");

        CliResult result = await Cli.RunAsync(platform, command, "churn", "run-1", "--reason", "looked at the lineage", "--as", "bob");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("bob", request.Header("X-MS-CLIENT-PRINCIPAL-NAME"));
        Assert.Equal("""{"reason":"looked at the lineage"}""", request.Body);
        Assert.Equal($"{printed} retraining run-1 of churn by bob: looked at the lineage", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Approve_ByWhoeverStartedIt_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/approve", 403, """{"error":"alice started this retraining and cannot approve it; someone else must."}""");

        CliResult result = await Cli.RunAsync(platform, "approve", "churn", "run-1", "--reason", "lgtm", "--as", "alice");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("alice started this retraining and cannot approve it; someone else must.", result.Stderr.TrimEnd());
    }
}
