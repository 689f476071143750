namespace Serverless.Cli.Tests;

public sealed class TrafficCommandsTests
{
    private const string CanaryStarted = """
        {"alias":"production","version":3,"previousVersion":3,"changedAt":"2026-11-27T16:00:00+00:00","changedBy":"alice","kind":"canary-start","reason":"10% first","canaryVersion":4,"canaryWeight":0.1}
        """;

    private const string Promoted = """
        {"alias":"staging","version":4,"previousVersion":3,"changedAt":"2026-11-27T17:00:00+00:00","changedBy":"bob","kind":"canary-promotion","reason":null,"canaryVersion":4}
        """;

    private const string Comparisons = """
        {"model":"churn","compared":1840,"dropped":3,"failed":0,"agreementRate":0.962,"meanScoreDifference":0.0312,"pairs":[{"alias":"production","version":3,"shadowVersion":5,"compared":1840,"labelled":1840,"agreementRate":0.962,"scored":1840,"meanScoreDifference":0.0312,"lastComparedAt":"2026-11-27T16:30:00+00:00"}]}
        """;

    [Fact]
    public async Task CanarySet_VersionWeightAndReason_PutsThemAndPrintsTheRecordedChange()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/models/churn/aliases/production/canary", 200, CanaryStarted);

        CliResult result = await Cli.RunAsync(platform, "canary", "set", "churn", "4", "--weight", "0.1", "--reason", "10% first");

        Assert.Equal(0, result.ExitCode);
        RecordedRequest request = Assert.Single(platform.Requests);
        Assert.Equal("""{"version":4,"weight":0.1,"reason":"10% first"}""", request.Body);
        Assert.Matches(@"Kind\s+canary-start", result.Stdout);
        Assert.Matches(@"Canary weight\s+0\.1", result.Stdout);
    }

    [Fact]
    public async Task CanaryPromote_OtherAlias_PostsToThatAliasWithoutAReason()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/models/churn/aliases/staging/canary/promote", 200, Promoted);

        CliResult result = await Cli.RunAsync(platform, "canary", "promote", "churn", "--alias", "staging");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{}", Assert.Single(platform.Requests).Body);
        Assert.Matches(@"Previous version\s+3", result.Stdout);
    }

    [Fact]
    public async Task CanaryAbort_Refused_Exits2WithTheApisMessage()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("DELETE", "/models/churn/aliases/production/canary", 409, """{"error":"Alias 'production' of model 'churn' has no canary to abort."}""");

        CliResult result = await Cli.RunAsync(platform, "canary", "abort", "churn", "--reason", "latency");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("""{"reason":"latency"}""", Assert.Single(platform.Requests).Body);
        Assert.Contains("has no canary to abort", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShadowShow_Comparisons_PrintsRatesAndPairs()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/models/churn/shadow", 200, Comparisons);

        CliResult result = await Cli.RunAsync(platform, "shadow", "show", "churn");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Agreement rate\s+0\.962", result.Stdout);
        Assert.Matches(@"Dropped\s+3", result.Stdout);
        Assert.Matches(@"production\s*│\s*3\s*│\s*5\s*│\s*1840\s*│\s*0\.962\s*│\s*0\.0312\s*│", result.Stdout);
    }

    [Fact]
    public async Task ShadowSetAndStop_PutAndDeleteTheShadow()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("PUT", "/models/churn/aliases/production/shadow", 200, """{"alias":"production","version":3,"previousVersion":3,"changedAt":"2026-11-27T16:00:00+00:00","changedBy":"alice","kind":"shadow-start","shadowVersion":5}""");
        platform.On("DELETE", "/models/churn/aliases/production/shadow", 200, """{"alias":"production","version":3,"previousVersion":3,"changedAt":"2026-11-27T16:10:00+00:00","changedBy":"alice","kind":"shadow-stop","shadowVersion":5}""");

        CliResult set = await Cli.RunAsync(platform, "shadow", "set", "churn", "5");
        CliResult stop = await Cli.RunAsync(platform, "shadow", "stop", "churn");

        Assert.Equal((0, 0), (set.ExitCode, stop.ExitCode));
        Assert.Equal("""{"version":5}""", platform.Requests[0].Body);
        Assert.Matches(@"Kind\s+shadow-stop", stop.Stdout);
    }
}
