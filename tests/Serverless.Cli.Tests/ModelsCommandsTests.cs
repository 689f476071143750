namespace Serverless.Cli.Tests;

public sealed class ModelsCommandsTests
{
    [Fact]
    public async Task ModelsList_KeyAndPrincipal_SendsHeadersAndPrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);

        CliResult result = await Cli.RunAsync(platform, "models", "list", "--key", "secret-key", "--token", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.RequestsTo("GET", "/models"));
        Assert.Equal("secret-key", request.Header("x-functions-key"));
        Assert.Equal("Bearer alice", request.Header("Authorization"));
        Assert.Matches(@"loan-approval\s*│\s*2\s*│\s*production=2\s*│\s*2026-11-27 10:34:11Z", result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task ModelsList_NoKeyOrToken_SendsNeitherHeader()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);

        // Empty values stand for unset environment variables, so the test does not depend on the runner's environment.
        CliResult result = await Cli.RunAsync(platform, "models", "list", "--key", "", "--token", "");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Null(request.Header("x-functions-key"));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task ModelsList_Json_PrintsTheBodyAsSent()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);

        CliResult result = await Cli.RunAsync(platform, "models", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Canned.Models, result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task ModelsShow_Model_PrintsVersionsTrainerDataAndAliasHistoryWithKind()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval", 200, Canned.Model);

        CliResult result = await Cli.RunAsync(platform, "models", "show", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"│\s*2\s*│\s*2026-11-27 10:40:13Z\s*│\s*retraining retrain-loan-approval-20261127T104012-44b67cf2\s*│\s*8694c3eb945a\s*│\s*46\.0 KiB\s*│\s*fasttree\s*│\s*│\s*dataset:f67bbf379d18\s*│", result.Stdout);
        Assert.Contains("Alias history", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"2026-11-27 10:41:58Z\s*│\s*production\s*│\s*promotion\s*│\s*1\s*│\s*2\s*│\s*bob\s*│\s*retraining retrain-loan-approval-20261127T104012-44b67cf2", result.Stdout);
        Assert.DoesNotContain("Events", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsShow_NameNeedingEscape_EscapesThePathSegment()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "models", "show", "a/b");

        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("/models/a%2Fb", request.PathAndQuery);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Lineage_PromotedVersion_PrintsRegistrationTrainingDatasetReviewAndAliasHistory()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/versions/2/lineage", 200, Canned.Lineage);

        CliResult result = await Cli.RunAsync(platform, "lineage", "loan-approval", "2");

        Assert.Equal(0, result.ExitCode);
        string output = result.Stdout;
        Assert.Contains("loan-approval version 2 (promoted), aliases: production", output, StringComparison.Ordinal);
        Assert.Contains("Registered 2026-11-27 10:40:13Z by retraining retrain-loan-approval-20261127T104012-44b67cf2", output, StringComparison.Ordinal);
        Assert.Contains("SHA-256 8694c3eb945a61e16b11cfdb5ea05ae1bfe5ac11eb77e3be74ea78aea9a6de96, 46.0 KiB", output, StringComparison.Ordinal);
        Assert.Contains("Retraining retrain-loan-approval-20261127T104012-44b67cf2", output, StringComparison.Ordinal);
        Assert.Contains("Spec version 2, SHA-256 d9b917734e9aaec083c1ac6177eaad20527f6400e79261aa308ba0cb7ba7a29d", output, StringComparison.Ordinal);
        Assert.Contains("Trainer fasttree, trained in 0.584 s", output, StringComparison.Ordinal);
        Assert.Contains("numberOfTrees=50, numberOfLeaves=20, minimumExampleCountPerLeaf=10, learningRate=0.2", output, StringComparison.Ordinal);
        Assert.Contains("Code version 1.0.0+a8a3095a4b5bbaa6563a7820398317bcc8ce82e1", output, StringComparison.Ordinal);
        Assert.Contains("Dataset f67bbf379d18ad7aa8af096aa5515d5614dfc0ae33270fb577621bc70a628dae", output, StringComparison.Ordinal);
        Assert.Contains("source dataset:loan-applications (csv, 189.8 KiB), snapshot 2026-11-27 10:34:10Z", output, StringComparison.Ordinal);
        Assert.Contains("5000 rows used, 0 dropped", output, StringComparison.Ordinal);
        Assert.Contains("gender (protected, categorical)", output, StringComparison.Ordinal);
        Assert.Contains("drift baseline for 5 features", output, StringComparison.Ordinal);
        Assert.Contains("Champion (version 1)", output, StringComparison.Ordinal);
        Assert.Matches(@"auc\s*│\s*0\.9781\s*│\s*0\.9781", output);
        Assert.Matches(@"gender\s*│\s*0\.8569\s*│\s*0\.009\s*│\s*female / male\s*│\s*0\.8569\s*│\s*0\.009", output);
        Assert.Matches(@"gender\s*│\s*female\s*│\s*490\s*│\s*0\.4755\s*│\s*0\.9399\s*│\s*auc=0\.9849", output);
        Assert.Contains("Gates: all passed", output, StringComparison.Ordinal);
        Assert.Matches(@"minimum:auc\s*│\s*0\.9781\s*│\s*0\.85\s*│\s*PASS\s*│\s*auc 0\.9781 meets the minimum 0\.85", output);
        Assert.Matches(@"Decision\s+approved", output);
        Assert.Matches(@"By\s+bob", output);
        Assert.Matches(@"Reason\s+ok", output);
        Assert.DoesNotContain("Rejected because", output, StringComparison.Ordinal);
        Assert.Matches(@"2026-11-27 10:41:58Z\s*│\s*production\s*│\s*promotion\s*│\s*1\s*│\s*2\s*│\s*bob\s*│\s*retraining retrain-loan-approval-20261127T104012-44b67cf2", output);
    }

    [Fact]
    public async Task Lineage_RejectedFirstVersion_PrintsChampionNoteDecisionAndReason()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/versions/1/lineage", 200, Canned.LineageRejected);

        CliResult result = await Cli.RunAsync(platform, "lineage", "loan-approval", "1");

        Assert.Equal(0, result.ExitCode);
        string output = result.Stdout;
        Assert.Contains("loan-approval version 1 (rejected)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("aliases:", output, StringComparison.Ordinal);
        Assert.Contains("Dataset f67bbf379d18ad7aa8af096aa5515d5614dfc0ae33270fb577621bc70a628dae from dataset:loan-applications (its snapshot record was not found)", output, StringComparison.Ordinal);
        Assert.Contains("numberOfTrees=50, learningRate=0.2", output, StringComparison.Ordinal);
        Assert.Contains("Champion (none)", output, StringComparison.Ordinal);
        Assert.Contains("No champion: no production version to compare against", output, StringComparison.Ordinal);
        Assert.Matches(@"Decision\s+rejected", output);
        Assert.Matches(@"Reason\s+not now", output);
        Assert.Contains("Rejected because", output, StringComparison.Ordinal);
        Assert.Contains("rejected by bob: not now", output, StringComparison.Ordinal);
        Assert.Matches(@"2026-11-27 10:42:23Z\s*│\s*1\s*│\s*rejected\s*│\s*rejected by bob: not now", output);
        Assert.DoesNotContain("Alias history", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_RegisteredByHand_SaysNoTrainingOrReviewAndShowsRollbackKindAndReason()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/loan-approval/versions/3/lineage", 200, Canned.LineageRegisteredByHand);

        CliResult result = await Cli.RunAsync(platform, "lineage", "loan-approval", "3");

        Assert.Equal(0, result.ExitCode);
        string output = result.Stdout;
        Assert.Contains("loan-approval version 3 (registered), aliases: production", output, StringComparison.Ordinal);
        Assert.Contains("Registered 2026-11-27 11:00:00Z by carol", output, StringComparison.Ordinal);
        Assert.Contains("uploaded by hand", output, StringComparison.Ordinal);
        Assert.Contains("Training: none recorded", output, StringComparison.Ordinal);
        Assert.Contains("None recorded: this version was registered outside the retraining line.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Metrics on the holdout", output, StringComparison.Ordinal);
        Assert.Matches(@"production\s*│\s*manual\s*│\s*2\s*│\s*3\s*│\s*carol\s*│", output);
        Assert.Matches(@"production\s*│\s*rollback\s*│\s*3\s*│\s*2\s*│\s*bob\s*│\s*complaints", output);
    }

    [Fact]
    public async Task Lineage_VersionNotANumber_Exits2WithoutARequest()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "lineage", "adult", "latest");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(platform.Requests);
        Assert.Contains("latest", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_Reason_PostsReasonAndPrintsTheMove()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/rollback", 200, Canned.Rollback);

        CliResult result = await Cli.RunAsync(platform, "rollback", "loan-approval", "--reason", "complaints", "--token", "bob");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("""{"reason":"complaints"}""", request.Body);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Matches(@"From version\s+2", result.Stdout);
        Assert.Matches(@"To version\s+1", result.Stdout);
        Assert.Matches(@"By\s+bob", result.Stdout);
        Assert.Matches(@"At\s+2026-11-27 10:42:27Z", result.Stdout);
    }

    [Fact]
    public async Task Rollback_NoEarlierProductionVersion_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/loan-approval/rollback", 409,
            """{"error":"Model 'loan-approval': 'production' has no earlier version to roll back to (it points at version 1)."}""");

        CliResult result = await Cli.RunAsync(platform, "rollback", "loan-approval", "--reason", "why not");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Model 'loan-approval': 'production' has no earlier version to roll back to (it points at version 1).", result.Stderr.TrimEnd());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Rollback_NoReason_Exits2WithoutARequest()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "rollback", "churn");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(platform.Requests);
        Assert.Contains("--reason", result.Stderr, StringComparison.Ordinal);
    }
}
