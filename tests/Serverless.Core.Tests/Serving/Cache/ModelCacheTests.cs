using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;
using Serverless.Testing;

namespace Serverless.Core.Tests.Serving.Cache;

public sealed class ModelCacheTests : IDisposable
{
    private readonly List<ModelCache> _caches = [];

    public void Dispose() => _caches.ForEach(c => c.Dispose());

    private ModelCache Cache(IModelLoader loader, TimeProvider? clock = null, Action<ServingOptions>? configure = null)
    {
        var options = new ServingOptions();
        configure?.Invoke(options);
        var cache = new ModelCache(loader, Options.Create(options), clock ?? TimeProvider.System, NullLogger<ModelCache>.Instance);
        _caches.Add(cache);
        return cache;
    }

    private static ModelVersionInfo NewVersion() => ServingTestModels.Version(OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)));

    [Fact]
    public async Task AcquireAsync_ConcurrentFirstRequests_LoadTheModelOnce()
    {
        var loader = new Loader();
        var cache = Cache(loader);
        var version = NewVersion();

        var leases = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => cache.AcquireAsync(version, CancellationToken.None))));

        var statistics = cache.GetStatistics();
        Assert.Equal((1, 1, 31), (statistics.Loads, statistics.Misses, statistics.Hits));
        Assert.Equal(1, loader.Calls);
        Assert.Single(leases.Select(l => l.Model).Distinct());
        Assert.Equal([11f, 22f], ServingTestModels.RunAdd(leases[0].Model));
        Array.ForEach(leases, l => l.Dispose());
    }

    [Fact]
    public async Task AcquireAsync_BeyondMaxLoadedModels_UnloadsTheLeastRecentlyUsed()
    {
        var (a, b, c) = (NewVersion(), NewVersion(), NewVersion());
        var cache = Cache(new Loader(), configure: o => o.MaxLoadedModels = 2);

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(c, CancellationToken.None)).Dispose();
        var afterC = cache.GetStatistics();
        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        Assert.Equal((2, 1L), (afterC.LoadedModels, afterC.Evictions));
        var end = cache.GetStatistics();
        Assert.Equal(4, end.Loads); // a, b, c, then b again: a stayed because it was used after b
        Assert.Equal(2, end.LoadedModels);
    }

    [Fact]
    public async Task AcquireAsync_BeyondMaxLoadedBytes_KeepsWithinTheBound()
    {
        var (a, b) = (NewVersion(), NewVersion());
        var cache = Cache(new Loader(), configure: o => o.MaxLoadedBytes = a.SizeBytes + (b.SizeBytes / 2));

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        var statistics = cache.GetStatistics();
        Assert.Equal((1, b.SizeBytes, 1L), (statistics.LoadedModels, statistics.LoadedBytes, statistics.Evictions));
    }

    [Fact]
    public async Task AcquireAsync_OverTheBoundsWithEveryModelLeased_UnloadsNoneUntilALeaseEnds()
    {
        var (a, b) = (NewVersion(), NewVersion());
        var loader = new Loader();
        var cache = Cache(loader, configure: o => o.MaxLoadedModels = 1);

        var heldA = await cache.AcquireAsync(a, CancellationToken.None);
        using var heldB = await cache.AcquireAsync(b, CancellationToken.None);
        var whileHeld = cache.GetStatistics();
        float[] result = ServingTestModels.RunAdd(heldA.Model);
        heldA.Dispose();

        Assert.Equal((2, 0L), (whileHeld.LoadedModels, whileHeld.Evictions));
        Assert.Equal([11f, 22f], result);
        var after = cache.GetStatistics();
        Assert.Equal((1, 1L), (after.LoadedModels, after.Evictions));
        Assert.True(loader.Models[0].IsDisposed);
        Assert.Equal([11f, 22f], ServingTestModels.RunAdd(heldB.Model));
    }

    [Fact]
    public async Task AcquireAsync_OverTheBoundsWhileTheLeastRecentlyUsedIsLeased_UnloadsAnUnleasedModelInstead()
    {
        var (a, b) = (NewVersion(), NewVersion());
        var loader = new Loader();
        var cache = Cache(loader, configure: o => o.MaxLoadedModels = 1);

        using var held = await cache.AcquireAsync(a, CancellationToken.None);
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();

        Assert.Equal((1, 1L), (cache.GetStatistics().LoadedModels, cache.GetStatistics().Evictions));
        Assert.False(loader.Models[0].IsDisposed);
        Assert.True(loader.Models[1].IsDisposed);
        Assert.Equal([11f, 22f], ServingTestModels.RunAdd(held.Model));
    }

    [Fact]
    public async Task UnloadIdle_AfterTheIdlePeriod_UnloadsOnlyUnleasedModelsIdleThatLong()
    {
        var (a, b, c) = (NewVersion(), NewVersion(), NewVersion());
        var clock = new FakeTimeProvider();
        var cache = Cache(new Loader(), clock, o => o.IdleUnloadAfter = TimeSpan.FromMinutes(10));

        (await cache.AcquireAsync(a, CancellationToken.None)).Dispose();
        using var held = await cache.AcquireAsync(c, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(6));
        (await cache.AcquireAsync(b, CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(5)); // a and c idle 11 minutes (c leased), b 5; the sweep fires on the way

        var statistics = cache.GetStatistics();
        Assert.Equal((1L, 2), (statistics.IdleUnloads, statistics.LoadedModels));
        Assert.Equal(b.SizeBytes + c.SizeBytes, statistics.LoadedBytes);
    }

    [Fact]
    public async Task AcquireAsync_LoadFailsAfterItsWaitersGaveUp_LeavesTheCacheAndTheNextRequestLoadsAgain()
    {
        var version = NewVersion();
        var gate = new TaskCompletionSource();
        var loader = new Loader(async v =>
        {
            await gate.Task;
            throw new InvalidOperationException("storage broke");
        });
        var cache = Cache(loader);
        using (var cancel = new CancellationTokenSource())
        {
            var waiting = cache.AcquireAsync(version, cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        gate.SetResult();
        var afterFailure = await Eventually.GetAsync(
            () => Task.FromResult(cache.GetStatistics() is { LoadFailures: 1 } s ? s : null), TimeSpan.FromSeconds(10), "the failed load to leave");
        loader.Load = _ => Task.FromResult(ServingTestModels.Load(OnnxModelBuilder.Add(2)));
        using var lease = await cache.AcquireAsync(version, CancellationToken.None);

        Assert.Equal((0, 0L), (afterFailure.LoadedModels, afterFailure.LoadedBytes));
        Assert.Equal(2, cache.GetStatistics().Misses);
        Assert.Equal([11f, 22f], ServingTestModels.RunAdd(lease.Model));
    }

    [Fact]
    public async Task Meter_PublishesTheStatistics()
    {
        var version = NewVersion();
        var cache = Cache(new Loader());
        (await cache.AcquireAsync(version, CancellationToken.None)).Dispose();
        (await cache.AcquireAsync(version, CancellationToken.None)).Dispose();
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModelCache.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, measured["serverless.serving.cache.models"]);
        Assert.Equal(version.SizeBytes, measured["serverless.serving.cache.bytes"]);
        Assert.Equal(1, measured["serverless.serving.cache.hits"]);
        Assert.Equal(1, measured["serverless.serving.cache.loads"]);
    }

    /// <summary>Loads the Add model for any version, or does what a test sets.</summary>
    private sealed class Loader(Func<ModelVersionInfo, Task<LoadedModel>>? load = null) : IModelLoader
    {
        private int _calls;

        public Func<ModelVersionInfo, Task<LoadedModel>> Load { get; set; } = load ?? (_ => Task.FromResult(ServingTestModels.Load(OnnxModelBuilder.Add(2))));

        public List<LoadedModel> Models { get; } = [];

        public int Calls => _calls;

        public async Task<LoadedModel> LoadAsync(ModelVersionInfo version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var model = await Load(version);
            lock (Models)
            {
                Models.Add(model);
            }

            return model;
        }
    }
}
