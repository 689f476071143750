using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving;

public sealed class ModelCacheTests : IDisposable
{
    private static readonly RegistrationMetadata Author = new("tests", null, null, null);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "model-cache-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _caches = [];
    private string _connection = string.Empty;

    public void Dispose()
    {
        _caches.ForEach(c => c.Dispose());
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<ModelRegistry> RegistryAsync()
    {
        _connection = await TestStorage.GetConnectionStringAsync();
        return new ModelRegistry(new BlobServiceClient(_connection), new TableServiceClient(_connection), TimeProvider.System, Options.Create(new ModelRegistryOptions()));
    }

    private ModelCache Cache(ModelRegistry registry, TimeProvider? clock = null, Action<ServingOptions>? configure = null)
    {
        var options = new ServingOptions { CacheDirectory = _directory };
        configure?.Invoke(options);
        var cache = new ModelCache(registry, Options.Create(options), clock ?? TimeProvider.System, NullLogger<ModelCache>.Instance);
        _caches.Add(cache);
        return cache;
    }

    private static Task<ModelVersionInfo> RegisterNewAsync(ModelRegistry registry) =>
        registry.RegisterAsync("cache-" + Guid.NewGuid().ToString("N")[..12], OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), Author, CancellationToken.None);

    private static float[] RunAdd(LoadedModel model)
    {
        using var a = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2 }, [2]);
        using var b = OrtValue.CreateTensorValueFromMemory(new float[] { 10, 20 }, [2]);
        using var runOptions = new RunOptions();
        using var results = model.Session.Run(runOptions, ["a", "b"], [a, b], ["sum"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentFirstRequests_LoadTheModelOnce()
    {
        var registry = await RegistryAsync();
        var version = await RegisterNewAsync(registry);
        var cache = Cache(registry);

        var leases = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => cache.AcquireAsync(version, CancellationToken.None))));

        var statistics = cache.GetStatistics();
        Assert.Equal(1, statistics.Loads);
        Assert.Equal(1, statistics.Misses);
        Assert.Equal(31, statistics.Hits);
        Assert.Single(leases.Select(l => l.Model.Session).Distinct());
        Assert.Equal([11f, 22f], RunAdd(leases[0].Model));
        Array.ForEach(leases, l => l.Dispose());
    }

    [Fact]
    public async Task AcquireAsync_BeyondMaxLoadedModels_UnloadsTheLeastRecentlyUsed()
    {
        var registry = await RegistryAsync();
        var a = await RegisterNewAsync(registry);
        var b = await RegisterNewAsync(registry);
        var c = await RegisterNewAsync(registry);
        var cache = Cache(registry, configure: o => o.MaxLoadedModels = 2);

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(c, CancellationToken.None)).Dispose();
        var afterC = cache.GetStatistics();
        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        Assert.Equal(2, afterC.LoadedModels);
        Assert.Equal(1, afterC.Evictions);
        var end = cache.GetStatistics();
        Assert.Equal(4, end.Loads); // a, b, c, then b again: a stayed because it was used after b
        Assert.Equal(2, end.LoadedModels);
    }

    [Fact]
    public async Task AcquireAsync_BeyondMaxLoadedBytes_KeepsWithinTheBound()
    {
        var registry = await RegistryAsync();
        var a = await RegisterNewAsync(registry);
        var b = await RegisterNewAsync(registry);
        var cache = Cache(registry, configure: o => o.MaxLoadedBytes = a.SizeBytes + (b.SizeBytes / 2));

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        var statistics = cache.GetStatistics();
        Assert.Equal(1, statistics.LoadedModels);
        Assert.Equal(b.SizeBytes, statistics.LoadedBytes);
        Assert.Equal(1, statistics.Evictions);
    }

    [Fact]
    public async Task UnloadIdle_AfterTheIdlePeriod_UnloadsOnlyModelsIdleThatLong()
    {
        var registry = await RegistryAsync();
        var a = await RegisterNewAsync(registry);
        var b = await RegisterNewAsync(registry);
        var clock = new FakeTimeProvider();
        var cache = Cache(registry, clock, o => o.IdleUnloadAfter = TimeSpan.FromMinutes(10));

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(6));
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(5)); // a idle 11 minutes, b 5; the sweep timer fires on the way

        var statistics = cache.GetStatistics();
        Assert.Equal(1, statistics.IdleUnloads);
        Assert.Equal(1, statistics.LoadedModels);
        Assert.Equal(b.SizeBytes, statistics.LoadedBytes);
    }

    [Fact]
    public async Task AcquireAsync_ModelEvictedWhileLeased_LeaseKeepsWorkingUntilReleased()
    {
        var registry = await RegistryAsync();
        var a = await RegisterNewAsync(registry);
        var b = await RegisterNewAsync(registry);
        var cache = Cache(registry, configure: o => o.MaxLoadedModels = 1);

        using var held = await cache.AcquireAsync(a, CancellationToken.None);
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        Assert.Equal(1, cache.GetStatistics().Evictions);
        Assert.Equal([11f, 22f], RunAdd(held.Model));
    }

    [Fact]
    public async Task AcquireAsync_ArtifactTampered_RefusesToServeRecordsOneEventAndChecksAgainLater()
    {
        var registry = await RegistryAsync();
        var version = await RegisterNewAsync(registry);
        var artifact = new BlobServiceClient(_connection).GetBlobContainerClient("models").GetBlobClient(version.Artifact);
        byte[] original = (await artifact.DownloadContentAsync()).Value.Content.ToArray();
        await artifact.UploadAsync(BinaryData.FromBytes(OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2))), overwrite: true);
        var clock = new FakeTimeProvider();
        var cache = Cache(registry, clock);

        var first = await Assert.ThrowsAsync<ModelIntegrityException>(() => cache.AcquireAsync(version, CancellationToken.None));
        var second = await Assert.ThrowsAsync<ModelIntegrityException>(() => cache.AcquireAsync(version, CancellationToken.None));

        Assert.Contains(version.Sha256, first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(1, cache.GetStatistics().LoadFailures);
        Assert.Equal(0, cache.GetStatistics().LoadedModels);
        Assert.False(File.Exists(Path.Combine(_directory, version.Sha256 + ".onnx")));
        var recorded = Assert.Single((await registry.GetModelAsync(version.Name, CancellationToken.None)).Events);
        Assert.Equal(("integrity-failure", 1), (recorded.Kind, recorded.Version));

        // Repaired in storage: served once the refusal has run its course.
        await artifact.UploadAsync(BinaryData.FromBytes(original), overwrite: true);
        clock.Advance(ModelCache.IntegrityRetryAfter);
        using var lease = await cache.AcquireAsync(version, CancellationToken.None);
        Assert.Equal([11f, 22f], RunAdd(lease.Model));
    }

    [Fact]
    public async Task AcquireAsync_DamagedLocalCopy_FetchesTheArtifactAgain()
    {
        var registry = await RegistryAsync();
        var version = await RegisterNewAsync(registry);
        (await Cache(registry).AcquireAsync(version, CancellationToken.None)).Dispose();
        string local = Path.Combine(_directory, version.Sha256 + ".onnx");
        Assert.True(File.Exists(local));
        await File.WriteAllBytesAsync(local, [1, 2, 3]);

        using var lease = await Cache(registry).AcquireAsync(version, CancellationToken.None);

        Assert.Equal([11f, 22f], RunAdd(lease.Model));
        Assert.Equal(version.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(local))));
    }
}
