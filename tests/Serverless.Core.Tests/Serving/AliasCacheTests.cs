using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving;

public sealed class AliasCacheTests
{
    [Fact]
    public async Task ResolveAsync_AliasMoved_ServesTheKnownVersionUntilTheBackgroundRefreshLands()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var registry = new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
        string name = "alias-" + Guid.NewGuid().ToString("N")[..12];
        var author = new RegistrationMetadata("tests", null, null, null);
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(2), author, CancellationToken.None);
        await registry.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), author, CancellationToken.None);
        await registry.SetAliasAsync(name, "production", 1, "tests", CancellationToken.None);
        var clock = new FakeTimeProvider();
        var aliases = new AliasCache(registry, clock, TimeSpan.FromSeconds(5));

        var first = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        await registry.SetAliasAsync(name, "production", 2, "tests", CancellationToken.None);
        var withinInterval = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(6));
        var stale = await aliases.ResolveAsync(name, "production", CancellationToken.None);
        var refreshed = await Eventually.GetAsync(
            async () => await aliases.ResolveAsync(name, "production", CancellationToken.None) is { Version: 2 } v ? v : null,
            TimeSpan.FromSeconds(10),
            "the refreshed alias");

        Assert.Equal([1, 1, 1, 2], new[] { first.Version, withinInterval.Version, stale.Version, refreshed.Version });
    }

    [Fact]
    public async Task ResolveAsync_UnknownAlias_ThrowsNotFoundAndCachesNothing()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var registry = new ModelRegistry(new BlobServiceClient(connection), new TableServiceClient(connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
        string name = "alias-" + Guid.NewGuid().ToString("N")[..12];
        await registry.RegisterAsync(name, OnnxModelBuilder.Add(2), new RegistrationMetadata("tests", null, null, null), CancellationToken.None);
        var aliases = new AliasCache(registry, TimeProvider.System, TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<ModelNotFoundException>(() => aliases.ResolveAsync(name, "production", CancellationToken.None));
        await registry.SetAliasAsync(name, "production", 1, "tests", CancellationToken.None);

        Assert.Equal(1, (await aliases.ResolveAsync(name, "production", CancellationToken.None)).Version);
    }
}
