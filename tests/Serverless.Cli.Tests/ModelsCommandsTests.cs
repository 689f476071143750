namespace Serverless.Cli.Tests;

public sealed class ModelsCommandsTests
{
    [Fact]
    public async Task ModelsList_KeyAndPrincipal_SendsHeadersAndPrintsTable()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);

        CliResult result = await Cli.RunAsync(platform, "models", "list", "--key", "secret-key", "--as", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.RequestsTo("GET", "/models"));
        Assert.Equal("secret-key", request.Header("x-functions-key"));
        Assert.Equal("alice", request.Header("X-MS-CLIENT-PRINCIPAL-NAME"));
        Assert.Contains("churn", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("production=3, staging=4", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("loan-approval", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task ModelsList_NoKeyOrPrincipal_SendsNeitherHeader()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models", 200, Canned.Models);

        // Empty values stand for unset environment variables, so the test does not depend on the runner's environment.
        CliResult result = await Cli.RunAsync(platform, "models", "list", "--key", "", "--as", "");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Null(request.Header("x-functions-key"));
        Assert.Null(request.Header("X-MS-CLIENT-PRINCIPAL-NAME"));
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
    public async Task ModelsShow_Model_PrintsVersionsMetricsAndAliasHistory()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/churn", 200, Canned.Model);

        CliResult result = await Cli.RunAsync(platform, "models", "show", "churn");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("auc=0.9312", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bbbbbbbbbbbb", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("dataset:churn", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Alias history", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bob", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2026-11-21 08:05:00Z", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"2026-11-22 00:00:00Z\s*│\s*1\s*│\s*integrity-failure\s*│\s*artifact hash mismatch", result.Stdout);
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
    public async Task Lineage_Version_PrintsOriginMetricsFairnessGatesAndApproval()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/adult/versions/5/lineage", 200, Canned.Lineage);

        CliResult result = await Cli.RunAsync(platform, "lineage", "adult", "5");

        Assert.Equal(0, result.ExitCode);
        string output = result.Stdout;
        Assert.Contains("adult version 5 (promoted)", output, StringComparison.Ordinal);
        Assert.Contains("Dataset d5e1a7", output, StringComparison.Ordinal);
        Assert.Contains("30162 rows used, 2399 dropped", output, StringComparison.Ordinal);
        Assert.Contains("sex (protected, categorical)", output, StringComparison.Ordinal);
        Assert.Contains("Spec version 3, SHA-256 5bec5bec", output, StringComparison.Ordinal);
        Assert.Contains("Trainer fasttree", output, StringComparison.Ordinal);
        Assert.Contains("numberOfTrees=100", output, StringComparison.Ordinal);
        Assert.Contains("1.0.0+abc123", output, StringComparison.Ordinal);
        Assert.Contains("Champion (version 4)", output, StringComparison.Ordinal);
        Assert.Matches(@"auc\s*│\s*0\.9281\s*│\s*0\.9102", output);
        Assert.Matches(@"sex\s*│\s*0\.3667\s*│\s*0\.05\s*│\s*Female / Male\s*│\s*0\.35\s*│\s*0\.07", output);
        Assert.Contains("Gates: failed", output, StringComparison.Ordinal);
        Assert.Matches(@"minimum:auc\s*│\s*0\.9281\s*│\s*0\.85\s*│\s*PASS", output);
        Assert.Matches(@"fairness:sex:disparateImpact\s*│\s*0\.3667\s*│\s*0\.8\s*│\s*FAIL\s*│\s*disparate impact across sex 0\.3667 < 0\.8", output);
        Assert.Contains("reviewed the fairness report", output, StringComparison.Ordinal);
        Assert.Contains("carol", output, StringComparison.Ordinal);
        Assert.Contains("retrain-adult-42", output, StringComparison.Ordinal);
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
        platform.On("POST", "/models/churn/rollback", 200,
            """{"model":"churn","alias":"production","fromVersion":5,"toVersion":4,"reason":"drift on v5","by":"alice","at":"2026-11-27T11:00:00Z"}""");

        CliResult result = await Cli.RunAsync(platform, "rollback", "churn", "--reason", "drift on v5", "--as", "alice");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("""{"reason":"drift on v5"}""", request.Body);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Matches(@"From version\s+5", result.Stdout);
        Assert.Matches(@"To version\s+4", result.Stdout);
    }

    [Fact]
    public async Task Rollback_NoEarlierProductionVersion_PrintsTheApiErrorAndExits2()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/rollback", 409, """{"error":"Model 'churn' has no earlier production version to roll back to."}""");

        CliResult result = await Cli.RunAsync(platform, "rollback", "churn", "--reason", "why not");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Model 'churn' has no earlier production version to roll back to.", result.Stderr.TrimEnd());
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
