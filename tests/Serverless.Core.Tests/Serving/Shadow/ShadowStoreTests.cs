using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Shadow;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Shadow;

/// <summary>The comparison store over Azurite, in a table of its own.</summary>
public sealed class ShadowStoreTests
{
    private static async Task<ShadowStore> CreateAsync() =>
        new(new TableServiceClient(await TestStorage.GetConnectionStringAsync()),
            Options.Create(new ServingOptions { ShadowTable = "shadow" + Guid.NewGuid().ToString("N")[..12] }),
            TimeProvider.System);

    private static ShadowRequest Request(string model, int version, int shadow) => new(
        "production",
        version,
        new ModelVersionInfo(model, shadow, "", 0, "", new ModelSignature([], []), DateTimeOffset.UnixEpoch, new RegistrationMetadata("tests")),
        ServingMetrics.Records,
        Encoding.UTF8.GetBytes("{}"),
        Encoding.UTF8.GetBytes("{}"));

    [Fact]
    public async Task SummarizeAsync_ComparisonsOfTwoPairsAndInstanceCounts_RatesPerPairAndOverallAndCountsSummed()
    {
        var store = await CreateAsync();
        string model = "m-" + Guid.NewGuid().ToString("N")[..8];
        await store.RecordAsync(Request(model, 1, 2), [new("a", true, 0.1, "{}", "{}"), new("b", false, 0.3, "{}", "{}"), new("c", null, null, "{}", "{}")], CancellationToken.None);
        await store.RecordAsync(Request(model, 1, 3), [new("d", true, 0.2, "{}", "{}")], CancellationToken.None);
        // The same prediction stored again (a repeat) counts once.
        await store.RecordAsync(Request(model, 1, 3), [new("d", true, 0.2, "{}", "{}")], CancellationToken.None);
        await store.RecordCountsAsync(model, "i1", dropped: 4, failed: 1, CancellationToken.None);
        await store.RecordCountsAsync(model, "i2", dropped: 2, failed: 0, CancellationToken.None);
        await store.RecordCountsAsync(model, "i2", dropped: 3, failed: 0, CancellationToken.None);

        var summary = await store.SummarizeAsync(model, CancellationToken.None);

        Assert.Equal((4L, 7L, 1L), (summary.Compared, summary.Dropped, summary.Failed));
        Assert.Equal(2.0 / 3, summary.AgreementRate!.Value, 9);
        Assert.Equal(0.2, summary.MeanScoreDifference!.Value, 9);
        var first = summary.Pairs.Single(p => p.ShadowVersion == 2);
        Assert.Equal((3L, 2L, 0.5, 2L), (first.Compared, first.Labelled, first.AgreementRate!.Value, first.Scored));
        Assert.Equal(0.2, first.MeanScoreDifference!.Value, 9);
    }

    [Fact]
    public async Task SummarizeAsync_NothingStored_ZerosAndNoRates()
    {
        var summary = await (await CreateAsync()).SummarizeAsync("nothing-here", CancellationToken.None);

        Assert.Equal((0L, 0L, (double?)null, 0), (summary.Compared, summary.Dropped, summary.AgreementRate, summary.Pairs.Count));
    }
}
