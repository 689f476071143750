using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Serverless.Core.SelfChecks;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.Core.Tests.SelfChecks;

public sealed class SelfCheckServiceTests
{
    private static async Task<(SelfCheckService Service, TableServiceClient Tables)> CreateAsync(string? connection = null)
    {
        connection ??= await TestStorage.GetConnectionStringAsync();
        var tables = new TableServiceClient(connection);
        return (new SelfCheckService(new BlobServiceClient(connection), tables, TimeProvider.System), tables);
    }

    [Fact]
    public async Task RunAsync_StorageAnswers_RecordsHealthyReportWithBothProbes()
    {
        var (service, tables) = await CreateAsync();
        var request = SelfCheckRequest.Create("test");

        var report = await service.RunAsync(request, CancellationToken.None);

        Assert.True(report.Healthy);
        Assert.Equal(["blob", "table"], report.Probes.Select(p => p.Service));
        Assert.All(report.Probes, p => Assert.True(p.Ok, p.Error));
        var stored = await service.GetReportAsync(request.CheckId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("test", stored.Source);
        Assert.True(stored.Healthy);
        // Only the report remains in the check's partition: the probes clean up after themselves.
        var rowKeys = new List<string>();
        await foreach (var row in tables.GetTableClient(StorageNames.SelfCheckTable).QueryAsync<TableEntity>(e => e.PartitionKey == request.CheckId))
        {
            rowKeys.Add(row.RowKey);
        }

        Assert.Equal(["report"], rowKeys);
    }

    [Fact]
    public async Task RecordAsync_CalledTwiceForOneCheck_KeepsTheFirstReport()
    {
        var (service, _) = await CreateAsync();
        var request = SelfCheckRequest.Create("first");
        var healthy = new ProbeResult("blob", true, 1);
        var failed = new ProbeResult("blob", false, 1, "broken");

        var first = await service.RecordAsync(request, [healthy], CancellationToken.None);
        var second = await service.RecordAsync(request with { Source = "second" }, [failed], CancellationToken.None);

        Assert.True(first.Healthy);
        Assert.True(second.Healthy);
        Assert.Equal("first", second.Source);
    }

    [Fact]
    public async Task GetReportAsync_UnknownCheck_ReturnsNull()
    {
        var (service, _) = await CreateAsync();

        Assert.Null(await service.GetReportAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_TableAndContainerDeletedAfterFirstUse_CreatesThemAgainAndRecords()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var (service, tables) = await CreateAsync(azurite.ConnectionString);
        await service.RunAsync(SelfCheckRequest.Create("before"), CancellationToken.None);
        await tables.DeleteTableAsync(StorageNames.SelfCheckTable);
        await new BlobServiceClient(azurite.ConnectionString).DeleteBlobContainerAsync(StorageNames.SelfCheckContainer);

        var report = await service.RunAsync(SelfCheckRequest.Create("after"), CancellationToken.None);

        Assert.True(report.Healthy, string.Join("; ", report.Probes.Select(p => p.Error)));
        Assert.NotNull(await service.GetReportAsync(report.CheckId, CancellationToken.None));
    }
}
