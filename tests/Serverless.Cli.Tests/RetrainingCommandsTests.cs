using System.Text.Json;

namespace Serverless.Cli.Tests;

public sealed class RetrainingCommandsTests
{
    private const string Id = "retrain-loan-approval-20261127T104218-7048d733";
    private const string StatusPath = "/models/loan-approval/retrainings/" + Id;

    [Fact]
    public async Task Retrain_Options_PostsThemAndSaysHowToFollow()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);

        CliResult result = await Cli.RunAsync(
            platform, "retrain", "loan-approval", "--data", "dataset:loan-applications", "--candidate-version", "7", "--reason", "new data", "--token", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("Bearer alice", request.Header("Authorization"));
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal("dataset:loan-applications", body.RootElement.GetProperty("data").GetString());
        Assert.Equal(7, body.RootElement.GetProperty("candidateVersion").GetInt32());
        Assert.Equal("new data", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("Started retraining retrain-loan-approval-20261127T104218-7048d733 of loan-approval.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops retrainings follow loan-approval retrain-loan-approval-20261127T104218-7048d733", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_NoOptions_PostsAnEmptyObject()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{}", Assert.Single(platform.Requests).Body);
    }

    [Fact]
    public async Task Retrain_AlreadyRunning_PrintsTheApiErrorAndTheRunningIdAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 409, Canned.Conflict);

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval", "--follow");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [
                $"A retraining of model 'loan-approval' is already running: '{Id}'. Wait for it to end, or terminate it (POST /models/loan-approval/retrainings/{Id}/terminate).",
                $"Follow it with: mlops retrainings follow loan-approval {Id}",
                $"or stop it with: mlops terminate loan-approval {Id} --reason \"...\"",
            ],
            result.Stderr.TrimEnd().Split(Environment.NewLine));
        Assert.Single(platform.Requests);
    }

    [Fact]
    public async Task Retrain_FollowUntilPromoted_PollsEachStepAndExits0()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);
        platform.On("GET", StatusPath, 200,
            Canned.Status("Pending", null, null, null),
            Canned.Status("Running", "train", null, null, ("snapshot", "succeeded"), ("train", "")),
            Canned.Status("Running", "gates", null, null, ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "")),
            Canned.Status("Completed", null, "promoted", null,
                ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "succeeded"), ("approval", "approved"), ("promote", "succeeded")));

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval", "--follow");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4, platform.RequestsTo("GET", StatusPath).Count);
        string output = result.Stdout;
        Assert.Contains("train     running", output, StringComparison.Ordinal);
        Assert.Contains("train     succeeded (2.0 s): train detail", output, StringComparison.Ordinal);
        Assert.Contains("promote   succeeded", output, StringComparison.Ordinal);
        Assert.Contains("Promoted: loan-approval version 5 is in production.", output, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Retrain_FollowStatusNotReadableYet_WaitsForIt()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);
        platform.OnSequence("GET", StatusPath,
            (404, """{"error":"No retraining 'retrain-loan-approval-20261127T104218-7048d733' of 'loan-approval'."}"""),
            (200, Canned.Status("Completed", null, "promoted", null, ("promote", "succeeded"))));

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval", "--follow");

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

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

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

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(30, platform.RequestsTo("GET", StatusPath).Count);
        Assert.EndsWith("Storage is not answering.", result.Stderr.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_FollowRejected_PrintsTheReasonAndExits3()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);
        platform.On("GET", StatusPath, 200,
            Canned.Status("Completed", null, "rejected", "auc 0.71 < 0.85", ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "rejected")));

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval", "--follow");

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

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsFollow_WaitingForApproval_SaysHowToApproveAndExits4()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Running", "approval", null, null, ("snapshot", "succeeded"), ("train", "succeeded"), ("evaluate", "succeeded"), ("gates", "succeeded"), ("approval", "")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("approval  waiting", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("someone other than alice decides", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops approve loan-approval retrain-loan-approval-20261127T104218-7048d733 --reason", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mlops reject loan-approval retrain-loan-approval-20261127T104218-7048d733 --reason", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsFollow_ApprovalPassedThroughAutomatically_FollowsToTheEnd()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Running", "approval", null, null, ("gates", "succeeded"), ("approval", "")),
            Canned.Status("Running", "promote", null, null, ("gates", "succeeded"), ("approval", "approved"), ("promote", "")),
            Canned.Status("Completed", null, "promoted", null, ("gates", "succeeded"), ("approval", "approved"), ("promote", "succeeded")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task RetrainingsFollow_Json_PrintsOnlyTheFinalStatus()
    {
        await using var platform = await FakePlatform.StartAsync();
        string final = Canned.Status("Completed", null, "promoted", null, ("promote", "succeeded"));
        platform.On("GET", StatusPath, 200, Canned.Status("Running", "train", null, null, ("train", "")), final);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(final, result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task RetrainingsFollow_UnknownInstance_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 404, """{"error":"No retraining 'retrain-loan-approval-20261127T104218-7048d733' of 'loan-approval'."}""");

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(platform.Requests);
        Assert.Equal("No retraining 'retrain-loan-approval-20261127T104218-7048d733' of 'loan-approval'.", result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task RetrainingsList_Retrainings_PrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/retrainings", 200, Canned.Retrainings);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "list", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"retrain-loan-approval-20261127T104012-44b67cf2\s*│\s*http\s*│\s*alice\s*│\s*2026-11-27 10:40:12Z\s*│\s*│\s*2\s*│\s*Completed\s*│\s*2\s*│\s*promoted\s*│\s*2026-11-27 10:41:59Z", result.Stdout);
        Assert.Matches(@"retrain-loan-approval-20261127T103410-1949fecc\s*│\s*http\s*│\s*anonymous\s*│\s*2026-11-27 10:34:10Z\s*│\s*first run of tools/run\s*│\s*1\s*│", result.Stdout);
    }

    [Fact]
    public async Task RetrainingsShow_Status_PrintsStepsAndOutcome()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200,
            Canned.Status("Completed", null, "rejected", "disparate impact 0.36 < 0.8", ("snapshot", "succeeded"), ("gates", "rejected")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "show", "loan-approval", "retrain-loan-approval-20261127T104218-7048d733");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"gates\s*│\s*rejected\s*│\s*10:00:01Z\s*│\s*2\.0 s\s*│\s*gates detail", result.Stdout);
        Assert.Contains("disparate impact 0.36 < 0.8", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Candidate version\s+5", result.Stdout);
    }

    [Fact]
    public async Task Reject_Reason_PostsItAndPrintsTheDecision()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/reject", 202, Canned.Rejected);

        CliResult result = await Cli.RunAsync(platform, "reject", "loan-approval", Id, "--reason", "not now", "--token", "bob");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("Bearer bob", request.Header("Authorization"));
        Assert.Equal("""{"reason":"not now"}""", request.Body);
        Assert.Equal($"Rejected retraining {Id} of loan-approval by bob: not now", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Approve_Reason_PrintsTheDecision()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/approve", 202, $$"""{"instanceId":"{{Id}}","decision":"approved","by":"bob","reason":"ok"}""");

        CliResult result = await Cli.RunAsync(platform, "approve", "loan-approval", Id, "--reason", "ok", "--token", "bob");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Approved retraining {Id} of loan-approval by bob: ok", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Terminate_Reason_PostsItAndSaysTerminating()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/terminate", 202, $$"""{"instanceId":"{{Id}}","terminated":true}""");

        CliResult result = await Cli.RunAsync(platform, "terminate", "loan-approval", Id, "--reason", "wrong data");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"reason":"wrong data"}""", Assert.Single(platform.Requests).Body);
        Assert.Equal($"Terminating retraining {Id} of loan-approval", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Approve_ByWhoeverStartedIt_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", $"{StatusPath}/approve", 403, Canned.ApproveByStarter);

        CliResult result = await Cli.RunAsync(platform, "approve", "loan-approval", Id, "--reason", "lgtm", "--token", "alice");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"'alice' started retraining '{Id}' and so cannot approve or reject it: another reviewer must decide.",
            result.Stderr.TrimEnd());
    }

    [Fact]
    public async Task RetrainingsShow_PromotedStatus_PrintsStepsWithoutTheSerializedResult()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/retrainings/retrain-loan-approval-20261127T104012-44b67cf2", 200, Canned.StatusPromoted);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "show", "loan-approval", "retrain-loan-approval-20261127T104012-44b67cf2");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Status\s+Completed", result.Stdout);
        Assert.Matches(@"Outcome\s+promoted", result.Stdout);
        Assert.Matches(@"Started\s+2026-11-27 10:40:12Z, by alice, trigger http", result.Stdout);
        Assert.Matches(@"approval\s*│\s*approved\s*│\s*10:40:13Z\s*│\s*104\.9 s\s*│\s*approved by bob: ok", result.Stdout);
        Assert.Matches(@"promote\s*│\s*succeeded\s*│\s*10:41:58Z\s*│\s*0\.1 s\s*│\s*production: version 1 → version 2", result.Stdout);
        Assert.DoesNotContain("\"outcome\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_FollowUntilWaitingForApproval_RealStatus_Exits4()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/retrain", 202, Canned.Started);
        platform.On("GET", StatusPath, 200, Canned.StatusWaitingForApproval);

        CliResult result = await Cli.RunAsync(platform, "retrain", "loan-approval", "--follow", "--token", "alice");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("approval  waiting: waiting for a reviewer until 2026-11-27 10:52:19Z", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Waiting for approval of candidate version 3; someone other than alice decides:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"mlops approve loan-approval {Id} --reason", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsFollow_RejectedByReviewer_RealStatus_Exits3WithTheReason()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200, Canned.StatusRejected);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", Id);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("approval  rejected (3.2 s): rejected by bob: not now", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rejected: rejected by bob: not now", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsShow_WaitingWithReview_PrintsMetricsFairnessImportanceAndTheDecisionCommands()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200, Canned.StatusWaitingWithReview);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "show", "loan-approval", Id);

        Assert.Equal(0, result.ExitCode);
        string output = result.Stdout;
        Assert.Matches(@"auc\s*│\s*0\.9781\s*│\s*0\.9781", output);
        Assert.Matches(@"gender\s*│\s*0\.8569\s*│\s*0\.009\s*│\s*female / male", output);
        Assert.Matches(@"gender\s*│\s*female\s*│\s*490\s*│\s*0\.4755", output);
        Assert.Contains("Feature importance (every input)", output, StringComparison.Ordinal);
        Assert.Contains("mean absolute attribution over 200 background rows, log-odds (tree-shap)", output, StringComparison.Ordinal);
        Assert.Matches(@"late_payments\s*│\s*1\.414\s*│", output);
        Assert.Matches(@"employment\s*│\s*0\.001235\s*│", output);
        int importance = output.IndexOf("Feature importance", StringComparison.Ordinal);
        string table = output[importance..];
        Assert.True(table.IndexOf("late_payments", StringComparison.Ordinal) < table.IndexOf("income", StringComparison.Ordinal), "largest first, as the platform sends them");
        int approve = output.IndexOf($"mlops approve loan-approval {Id} --reason", StringComparison.Ordinal);
        Assert.True(importance >= 0 && approve > importance, "the decision commands come after the review");
    }

    [Fact]
    public async Task RetrainingsFollow_WaitingWithReview_PrintsTheReviewBeforeTheDecisionCommandsAndExits4()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200, Canned.StatusWaitingWithReview);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "follow", "loan-approval", Id);

        Assert.Equal(4, result.ExitCode);
        string output = result.Stdout;
        int fairness = output.IndexOf("Fairness", StringComparison.Ordinal);
        int importance = output.IndexOf("Feature importance (every input)", StringComparison.Ordinal);
        int approve = output.IndexOf($"mlops approve loan-approval {Id} --reason", StringComparison.Ordinal);
        Assert.True(fairness >= 0 && importance > fairness && approve > importance, output);
    }

    [Fact]
    public async Task RetrainingsShow_NoReviewYet_PrintsNoReviewSections()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", StatusPath, 200, Canned.Status("Running", "train", null, null, ("snapshot", "succeeded"), ("train", "")));

        CliResult result = await Cli.RunAsync(platform, "retrainings", "show", "loan-approval", Id);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Feature importance", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("mlops approve", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrainingsList_OneWaitsForApproval_ShowsItsStepAndHowToReviewIt()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/retrainings", 200, $$"""
            {"retrainings":[{"instanceId":"{{Id}}","model":"loan-approval","trigger":"http","startedBy":"alice","startedAt":"2026-11-27T10:42:18.8411689+00:00","specVersion":2,"reason":null,"outcome":null,"candidateVersion":3,"outcomeReason":null,"completedAt":null,"runtimeStatus":"Running","startedBySubject":"alice","currentStep":"approval"}]}
            """);

        CliResult result = await Cli.RunAsync(platform, "retrainings", "list", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Running \(approval\)\s*│\s*3\s*│", result.Stdout);
        Assert.Contains($"{Id} waits for approval of version 3: review it with mlops retrainings show loan-approval {Id}", result.Stdout, StringComparison.Ordinal);
    }
}
