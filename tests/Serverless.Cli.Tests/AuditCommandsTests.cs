namespace Serverless.Cli.Tests;

public sealed class AuditCommandsTests
{
    private const string Page = """
        {"entries": [
          {"chain": "loan-approval", "sequence": 7, "previousHash": "ab", "hash": "cd", "entry": {
            "actor": {"subject": "sub-olivia", "name": "Olivia", "roles": ["operator"]}, "action": "alias.rollback",
            "model": "loan-approval", "version": null, "alias": "production", "run": null, "before": "3", "after": "2",
            "reason": "v3 approves too many", "time": "2026-11-27T13:04:05.123+00:00", "requestId": "inv-1", "outcome": "succeeded", "status": 200}},
          {"chain": "loan-approval", "sequence": 8, "previousHash": "cd", "hash": "ef", "entry": {
            "actor": {"subject": "anonymous", "name": "anonymous", "roles": []}, "action": "alias.set",
            "model": "loan-approval", "version": null, "alias": "production", "run": null, "before": null, "after": null,
            "reason": null, "time": "2026-11-27T13:05:00+00:00", "requestId": "inv-2", "outcome": "refused", "status": 401}}
        ], "continuationToken": "next-page"}
        """;

    private const string Broken = """
        {"verified": false, "chains": 2, "entries": 6, "firstBreak": {"chain": "loan-approval", "sequence": 7,
          "expected": "1111", "found": "2222", "why": "Entry 7's content does not match its hash: it was edited."}}
        """;

    [Fact]
    public async Task Audit_Entries_PrintsWhoWhatTargetOutcomeAndTheNextPage()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/audit?model=loan-approval&action=alias.rollback", 200, Page);

        CliResult result = await Cli.RunAsync(platform, "audit", "--model", "loan-approval", "--action", "alias.rollback");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"│\s*loan-approval\s*│\s*7\s*│\s*2026-11-27 13:04:05Z\s*│\s*Olivia \(sub-olivia\)\s*│\s*alias\.rollback\s*│\s*loan-approval, alias production\s*│\s*succeeded \(200\)\s*│\s*3\s*│\s*2\s*│\s*v3 approves too many\s*│", result.Stdout);
        Assert.Matches(@"│\s*8\s*│[^│]*│\s*anonymous\s*│\s*alias\.set\s*│[^│]*│\s*refused \(401\)\s*│", result.Stdout);
        Assert.Contains("--continuation \"next-page\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_SinceSpanActorTopAndContinuation_AreSentAsQueryParameters()
    {
        await using var platform = await FakePlatform.StartAsync();
        const string Query = "/audit?actor=sub%20olivia&from=2026-11-27T09%3A00%3A00.0000000%2B00%3A00&top=5&continuationToken=a%20b";
        platform.On("GET", Query, 200, """{"entries": [], "continuationToken": null}""");

        CliResult result = await Cli.RunAsync(platform, "audit", "--actor", "sub olivia", "--since", "2026-11-27T09:00:00Z", "--top", "5", "--continuation", "a b");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["GET " + Query],
            platform.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Contains("No audit entries match.", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("12h", 720)]
    [InlineData("7d", 10080)]
    public void Since_Span_IsThatLongBeforeNow(string text, int minutes)
    {
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddMinutes(-minutes), Commands.AuditCommands.Since(text, now));
    }

    [Fact]
    public async Task Audit_BadSince_Exits2SayingWhatItMustBe()
    {
        await using var platform = await FakePlatform.StartAsync();

        CliResult result = await Cli.RunAsync(platform, "audit", "--since", "last tuesday");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--since must be a time in ISO 8601", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(platform.Requests);
    }

    [Fact]
    public async Task AuditVerify_Intact_SaysVerifiedAndExits0()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/audit/verify", 200, """{"verified": true, "chains": 3, "entries": 41, "firstBreak": null}""");

        CliResult result = await Cli.RunAsync(platform, "audit", "verify");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Verified: 41 entries in 3 chains; every hash matches.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_Broken_NamesTheEntryAndExits1()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", "/audit/verify?model=loan-approval", 200, Broken);

        CliResult result = await Cli.RunAsync(platform, "audit", "verify", "--model", "loan-approval");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN: chain 'loan-approval', entry 7: Entry 7's content does not match its hash: it was edited.", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Expected\s+1111", result.Stdout);
        Assert.Matches(@"Found\s+2222", result.Stdout);
    }
}
