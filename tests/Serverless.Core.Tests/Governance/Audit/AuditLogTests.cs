using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Testing;

namespace Serverless.Core.Tests.Governance.Audit;

public sealed class AuditLogTests
{
    private static readonly Actor Alice = new("sub-alice", "Alice", [PlatformRoles.Operator]);

    private static async Task<(AuditLog Log, TableClient Table)> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string name = "audit" + Guid.NewGuid().ToString("N")[..12];
        var tables = new TableServiceClient(connection);
        return (new AuditLog(tables, Options.Create(new AuditOptions { Table = name })), tables.GetTableClient(name));
    }

    private static string NewModel() => "m-" + Guid.NewGuid().ToString("N")[..12];

    private static AuditEntry Entry(string? model, string action = AuditActions.AliasSet, Actor? actor = null, string? reason = null, DateTimeOffset? time = null) =>
        new(actor ?? Alice, action, model, 2, "production", null, "1", "2", reason, time ?? DateTimeOffset.UtcNow, Guid.NewGuid().ToString(), AuditOutcomes.Succeeded, 200);

    private static async Task<(AuditLog Log, TableClient Table, string Model)> ChainOfFiveAsync()
    {
        var (log, table) = await CreateAsync();
        string model = NewModel();
        for (int i = 1; i <= 5; i++)
        {
            await log.AppendAsync(Entry(model, reason: $"step {i}"), CancellationToken.None);
        }

        return (log, table, model);
    }

    [Fact]
    public async Task AppendAsync_SeveralEntries_ChainsThemAndQueryReturnsThemInOrder()
    {
        var (log, _) = await CreateAsync();
        string model = NewModel();

        // 1.2345 ms past the hour, two hours east of UTC: stored as 08:00:00.001Z.
        var time = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(12345);

        var first = await log.AppendAsync(Entry(model, reason: "first", time: time), CancellationToken.None);
        var second = await log.AppendAsync(Entry(model, AuditActions.AliasRollback, reason: "second"), CancellationToken.None);
        var page = await log.QueryAsync(new AuditQuery(Model: model), 50, null, CancellationToken.None);

        Assert.Equal((model, 1L, AuditLog.Genesis), (first.Chain, first.Sequence, first.PreviousHash));
        Assert.Equal((2L, first.Hash), (second.Sequence, second.PreviousHash));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, 1, TimeSpan.Zero), first.Entry.Time);
        Assert.Equal(2, page.Entries.Count);
        Assert.Equal([(1L, first.Hash, "first"), (2L, second.Hash, "second")], page.Entries.Select(e => (e.Sequence, e.Hash, e.Entry.Reason)));
        Assert.Equal(first.Entry.Actor.Roles, page.Entries[0].Entry.Actor.Roles);
        Assert.Equal(first.Entry with { Actor = page.Entries[0].Entry.Actor }, page.Entries[0].Entry);
        Assert.Null(page.ContinuationToken);
        Assert.Equal(new AuditVerification(true, 1, 2, null), await log.VerifyAsync(model, CancellationToken.None));
    }

    [Fact]
    public async Task QueryAsync_Filters_ReturnOnlyMatchingEntries()
    {
        var (log, _) = await CreateAsync();
        string model = NewModel();
        var bob = new Actor("sub-bob", "Bob", [PlatformRoles.DataScientist]);
        var start = DateTimeOffset.UtcNow;
        await log.AppendAsync(Entry(model, AuditActions.ModelRegister, bob, time: start.AddHours(-2)), CancellationToken.None);
        await log.AppendAsync(Entry(model, AuditActions.AliasSet, time: start.AddHours(-1)), CancellationToken.None);
        await log.AppendAsync(Entry(null, AuditActions.MonitoringEvaluate, bob, time: start), CancellationToken.None);

        var byBob = await log.QueryAsync(new AuditQuery(ActorSubject: "sub-bob"), 50, null, CancellationToken.None);
        var aliasMoves = await log.QueryAsync(new AuditQuery(Model: model, Action: AuditActions.AliasSet), 50, null, CancellationToken.None);
        var recent = await log.QueryAsync(new AuditQuery(From: start.AddMinutes(-90), To: start.AddMinutes(1)), 50, null, CancellationToken.None);

        Assert.Equal([(AuditLog.PlatformChain, AuditActions.MonitoringEvaluate), (model, AuditActions.ModelRegister)],
            byBob.Entries.Select(e => (e.Chain, e.Entry.Action)).Order());
        Assert.Equal([AuditActions.AliasSet], aliasMoves.Entries.Select(e => e.Entry.Action));
        Assert.Equal([AuditActions.AliasSet, AuditActions.MonitoringEvaluate], recent.Entries.Select(e => e.Entry.Action).Order());
    }

    [Fact]
    public async Task QueryAsync_Paged_FollowsContinuationTokensThroughEveryEntry()
    {
        var (log, _, model) = await ChainOfFiveAsync();

        var sequences = new List<long>();
        string? token = null;
        int pages = 0;
        do
        {
            var page = await log.QueryAsync(new AuditQuery(Model: model), 2, token, CancellationToken.None);
            Assert.True(page.Entries.Count <= 2);
            sequences.AddRange(page.Entries.Select(e => e.Sequence));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal([1L, 2, 3, 4, 5], sequences);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task VerifyAsync_RowEditedByHand_ReportsExactlyThatRow()
    {
        var (log, table, model) = await ChainOfFiveAsync();
        var row = (await table.GetEntityAsync<TableEntity>(model, "000000000003")).Value;
        row["Reason"] = "nothing to see here";
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        var verification = await log.VerifyAsync(model, CancellationToken.None);

        Assert.False(verification.Verified);
        Assert.Equal((model, 3L), (verification.FirstBreak!.Chain, verification.FirstBreak.Sequence));
        Assert.Equal(row.GetString("Hash"), verification.FirstBreak.Found);
        Assert.NotEqual(verification.FirstBreak.Expected, verification.FirstBreak.Found);
        Assert.Contains("edited", verification.FirstBreak.Why, StringComparison.Ordinal);
        Assert.Equal(2, verification.Entries);
    }

    [Fact]
    public async Task VerifyAsync_RowDeletedInTheMiddle_ReportsTheMissingRow()
    {
        var (log, table, model) = await ChainOfFiveAsync();
        await table.DeleteEntityAsync(model, "000000000002");

        var verification = await log.VerifyAsync(null, CancellationToken.None);

        Assert.False(verification.Verified);
        Assert.Equal((model, 2L, (string?)"entry 3"), (verification.FirstBreak!.Chain, verification.FirstBreak.Sequence, verification.FirstBreak.Found));
        Assert.Contains("Entry 2 is missing", verification.FirstBreak.Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_LatestRowDeleted_ReportsTheMissingRow()
    {
        var (log, table, model) = await ChainOfFiveAsync();
        await table.DeleteEntityAsync(model, "000000000005");

        var verification = await log.VerifyAsync(model, CancellationToken.None);

        Assert.Equal((model, 5L), (verification.FirstBreak!.Chain, verification.FirstBreak.Sequence));
    }

    [Fact]
    public async Task VerifyAsync_HashRewrittenAfterAnEdit_ReportsThatRow()
    {
        var (log, table, model) = await ChainOfFiveAsync();
        var row = (await table.GetEntityAsync<TableEntity>(model, "000000000002")).Value;
        row["Hash"] = new string('a', 64);
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        var verification = await log.VerifyAsync(model, CancellationToken.None);

        Assert.Equal(2L, verification.FirstBreak!.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_SeveralIntactChains_VerifiesEachChain()
    {
        var (log, _) = await CreateAsync();
        await log.AppendAsync(Entry(NewModel()), CancellationToken.None);
        await log.AppendAsync(Entry(NewModel()), CancellationToken.None);
        await log.AppendAsync(Entry(null), CancellationToken.None);
        await log.AppendAsync(Entry("not a valid/model name"), CancellationToken.None);

        var verification = await log.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(new AuditVerification(true, 3, 4, null), verification);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppends_GiveAGapFreeChain()
    {
        var (log, _) = await CreateAsync();
        string model = NewModel();

        var records = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => log.AppendAsync(Entry(model, reason: $"writer {i}"), CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), records.Select(r => r.Sequence).Order());
        Assert.Equal(new AuditVerification(true, 1, 12, null), await log.VerifyAsync(model, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_SameOperationAgain_AppendsOnceAndReturnsTheFirstEntry()
    {
        var (log, _) = await CreateAsync();
        string model = NewModel();
        await log.AppendAsync(Entry(model, reason: "before"), CancellationToken.None);

        var first = await log.AppendAsync(Entry(model, AuditActions.GuardrailRollback, reason: "first attempt"), "guardrail-20261127T130000-v2", CancellationToken.None);
        var again = await log.AppendAsync(Entry(model, AuditActions.GuardrailRollback, reason: "retried"), "guardrail-20261127T130000-v2", CancellationToken.None);
        var other = await log.AppendAsync(Entry(model, AuditActions.GuardrailRollback, reason: "next window"), "guardrail-20261127T130500-v2", CancellationToken.None);
        var page = await log.QueryAsync(new AuditQuery(Model: model), 50, null, CancellationToken.None);

        Assert.Equal((first.Sequence, first.Hash, "first attempt"), (again.Sequence, again.Hash, again.Entry.Reason));
        Assert.Equal(3L, other.Sequence);
        Assert.Equal(["before", "first attempt", "next window"], page.Entries.Select(e => e.Entry.Reason));
        Assert.Equal(new AuditVerification(true, 1, 3, null), await log.VerifyAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_SameOperationConcurrently_AppendsOnce()
    {
        var (log, _) = await CreateAsync();
        string model = NewModel();

        var records = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            log.AppendAsync(Entry(model, AuditActions.RetrainingPromote, reason: $"attempt {i}"), "promote-run-1", CancellationToken.None)));

        Assert.Single(records.Select(r => r.Hash).Distinct());
        Assert.Single((await log.QueryAsync(new AuditQuery(Model: model), 50, null, CancellationToken.None)).Entries);
        Assert.True((await log.VerifyAsync(model, CancellationToken.None)).Verified);
    }
}
