using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving;

public sealed class AliasCacheTests
{
    private static readonly RegistrationMetadata Author = new("tests");

    private static async Task<(ModelRegistry Registry, string Name)> TwoVersionsAsync(int production)
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var registry = new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
        string name = "alias-" + Guid.NewGuid().ToString("N")[..12];
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(2), Author, CancellationToken.None);
        await registry.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), Author, CancellationToken.None);
        await registry.SetAliasAsync(name, "production", production, "tests", CancellationToken.None);
        return (registry, name);
    }

    private static AliasCache Aliases(ModelRegistry registry, TimeProvider clock) =>
        new(registry, clock, TimeSpan.FromSeconds(5), NullLogger.Instance);

    [Fact]
    public async Task ResolveAsync_AliasMovedWhileInUse_ServesTheKnownVersionUntilTheBackgroundRefreshLands()
    {
        var (registry, name) = await TwoVersionsAsync(production: 1);
        var clock = new FakeTimeProvider();
        var aliases = Aliases(registry, clock);

        var first = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        await registry.SetAliasAsync(name, "production", 2, "tests", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var fresh = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2)); // 3 s: past half the interval, within it
        var refreshing = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        var refreshed = await Eventually.GetAsync(
            async () => await aliases.ResolveAsync(name, "production", CancellationToken.None) is { Version: 2 } v ? v : null,
            TimeSpan.FromSeconds(10),
            "the refreshed alias");

        Assert.Equal([1, 1, 1, 2], new[] { first.Version, fresh.Version, refreshing.Version, refreshed.Version });
    }

    [Fact]
    public async Task ResolveAsync_IdleLongerThanTheIntervalThenRolledBack_FirstRequestGetsTheRolledBackVersion()
    {
        var (registry, name) = await TwoVersionsAsync(production: 2);
        var clock = new FakeTimeProvider();
        var aliases = Aliases(registry, clock);
        var before = await aliases.ResolveAsync(name, "production", CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(6));
        await registry.SetAliasAsync(name, "production", 1, "tests", CancellationToken.None);
        var first = await aliases.ResolveAsync(name, "production", CancellationToken.None);

        Assert.Equal((2, 1), (before.Version, first.Version));
    }

    [Fact]
    public async Task ResolveAsync_UnknownAlias_ThrowsNotFoundAndCachesNothing()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var registry = new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
        string name = "alias-" + Guid.NewGuid().ToString("N")[..12];
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(2), Author, CancellationToken.None);
        var aliases = Aliases(registry, TimeProvider.System);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => aliases.ResolveAsync(name, "production", CancellationToken.None));
        await registry.SetAliasAsync(name, "production", 1, "tests", CancellationToken.None);

        Assert.Equal(1, (await aliases.ResolveAsync(name, "production", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task ResolveRouteAsync_CanaryAndShadowSetWhileIdle_FirstRequestGetsTheWholeRoute()
    {
        var (registry, name) = await TwoVersionsAsync(production: 1);
        var clock = new FakeTimeProvider();
        var aliases = Aliases(registry, clock);
        var before = await aliases.ResolveRouteAsync(name, "production", CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(6));
        await registry.SetCanaryAsync(name, "production", 2, 0.25, "tests", null, CancellationToken.None);
        await registry.SetShadowAsync(name, "production", 2, "tests", null, CancellationToken.None);
        var after = await aliases.ResolveRouteAsync(name, "production", CancellationToken.None);

        Assert.Equal((1, (int?)null, (int?)null), (before.Main.Version, before.Canary?.Version, before.Shadow?.Version));
        Assert.Equal((1, (int?)2, 0.25, (int?)2, "production"), (after.Main.Version, after.Canary?.Version, after.CanaryWeight, after.Shadow?.Version, after.Alias));
        // The version read once is reused, not read again.
        Assert.Same(before.Main, after.Main);
    }
}
