using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Cache;

/// <summary>
/// Models in memory, per artifact hash, lent to requests as leases: loaded once on first use however many requests
/// arrive at once, bounded in count and bytes (least recently used out first) and unloaded when idle, but never while
/// a lease is held: a model over the bounds is unloaded when its last lease ends. What it holds and has done is
/// published on the <see cref="MeterName"/> meter and by <see cref="GetStatistics"/>. A request for a model in memory
/// takes no lock: its lease is one atomic increment on the entry, which an unload can take out only at zero leases;
/// the lock is for adding, taking out and choosing what to unload.
/// </summary>
/// <remarks>
/// Hand-written rather than on <c>IMemoryCache</c>: that cache bounds one size unit (not count and bytes together),
/// compacts asynchronously and may dispose an entry a request is still running on.
/// </remarks>
internal sealed partial class ModelCache : IDisposable
{
    /// <summary>The name of the meter the cache's instruments are on.</summary>
    public const string MeterName = "Serverless.Serving.ModelCache";

    private readonly IModelLoader _loader;
    private readonly ServingOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ModelCache> _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ITimer _sweeper;
    private readonly Meter _meter;
    private long _bytes;
    private int _count;
    private long _hits;
    private long _misses;
    private long _loads;
    private long _loadFailures;
    private long _evictions;
    private long _idleUnloads;

    /// <summary>Creates the cache; its idle sweep runs on <paramref name="clock"/>.</summary>
    public ModelCache(IModelLoader loader, IOptions<ServingOptions> options, TimeProvider clock, ILogger<ModelCache> logger, IMeterFactory? meters = null)
    {
        _loader = loader;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableUpDownCounter("serverless.serving.cache.models", () => GetStatistics().LoadedModels, "{model}", "Models in memory or loading.");
        _meter.CreateObservableUpDownCounter("serverless.serving.cache.bytes", () => GetStatistics().LoadedBytes, "By", "Artifact bytes of the models in memory or loading.");
        _meter.CreateObservableCounter("serverless.serving.cache.hits", () => GetStatistics().Hits, "{request}", "Requests that found their model in memory or loading.");
        _meter.CreateObservableCounter("serverless.serving.cache.misses", () => GetStatistics().Misses, "{request}", "Requests that started a load.");
        _meter.CreateObservableCounter("serverless.serving.cache.loads", () => GetStatistics().Loads, "{load}", "Loads that succeeded.");
        _meter.CreateObservableCounter("serverless.serving.cache.load_failures", () => GetStatistics().LoadFailures, "{load}", "Loads that failed.");
        _meter.CreateObservableCounter("serverless.serving.cache.evictions", () => GetStatistics().Evictions, "{model}", "Models unloaded to stay within the bounds.");
        _meter.CreateObservableCounter("serverless.serving.cache.idle_unloads", () => GetStatistics().IdleUnloads, "{model}", "Models unloaded after their idle period.");
        var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleUnloadAfter.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
        _sweeper = clock.CreateTimer(_ => UnloadIdle(), null, period, period);
    }

    /// <summary>Borrows the model of <paramref name="version"/>, loading it if it is not in memory.</summary>
    /// <remarks>
    /// A caller that gives up waiting does not stop the load: others may be waiting for it, and a load that fails
    /// takes its entry out of the cache itself, waiters or not.
    /// </remarks>
    public async Task<ModelLease> AcquireAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var entry = Lease(version);
        LoadedModel model;
        try
        {
            model = await entry.Load.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(entry);
            throw;
        }

        EnforceBounds();
        return new ModelLease(model, entry.ReleaseLease);
    }

    /// <summary>What the cache holds and has done.</summary>
    public ModelCacheStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new ModelCacheStatistics(_count, _bytes, Interlocked.Read(ref _hits), _misses, _loads, _loadFailures, _evictions, _idleUnloads);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        List<Entry> unleased = [];
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                if (entry.MarkRemoved())
                {
                    unleased.Add(entry);
                }
            }

            _entries.Clear();
            _bytes = 0;
            _count = 0;
        }

        unleased.ForEach(e => e.DisposeModel());
        _meter.Dispose();
    }

    private async Task<LoadedModel> LoadAsync(Entry entry, ModelVersionInfo version)
    {
        long started = _clock.GetTimestamp();
        try
        {
            var model = await _loader.LoadAsync(version, CancellationToken.None);
            lock (_gate)
            {
                _loads++;
            }

            double elapsedMs = _clock.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(_logger, version.Name, version.Version, version.SizeBytes, elapsedMs);
            return model;
        }
        catch
        {
            // Out before the task faults, so the next request loads afresh whether or not anyone still waits on this one.
            lock (_gate)
            {
                TakeOut(entry);
                _loadFailures++;
            }

            throw;
        }
    }

    /// <summary>Unloads every unleased model not used for <see cref="ServingOptions.IdleUnloadAfter"/> (the sweep timer's work).</summary>
    private void UnloadIdle()
    {
        long now = _clock.GetTimestamp();
        List<Entry> idle;
        lock (_gate)
        {
            // Taken out only at zero leases, atomically: a request cannot lease a model between the check and the unload.
            idle = _entries.Values
                .Where(e => e.IsLoaded && _clock.GetElapsedTime(e.LastUsed, now) >= _options.IdleUnloadAfter && e.TryRemoveUnleased())
                .ToList();
            foreach (var entry in idle)
            {
                TakeOut(entry);
                _idleUnloads++;
            }
        }

        foreach (var entry in idle)
        {
            entry.DisposeModel();
            LogUnloaded(_logger, entry.Sha256, "idle");
        }
    }

    /// <summary>Unloads the least recently used unleased models until the cache is within its bounds (or nothing unleased is left).</summary>
    private void EnforceBounds()
    {
        while (Volatile.Read(ref _count) > _options.MaxLoadedModels || Volatile.Read(ref _bytes) > _options.MaxLoadedBytes)
        {
            Entry? victim;
            lock (_gate)
            {
                if (_count <= _options.MaxLoadedModels && _bytes <= _options.MaxLoadedBytes)
                {
                    return;
                }

                victim = _entries.Values.Where(e => e.Leases == 0 && e.IsLoaded).OrderBy(e => e.LastUsed).FirstOrDefault(e => e.TryRemoveUnleased());
                if (victim is null)
                {
                    return;
                }

                TakeOut(victim);
                _evictions++;
            }

            victim.DisposeModel();
            LogUnloaded(_logger, victim.Sha256, "cache bounds");
        }
    }

    /// <summary>The entry of <paramref name="version"/> with a lease taken on it, added (and its load started) if there is none.</summary>
    private Entry Lease(ModelVersionInfo version)
    {
        long now = _clock.GetTimestamp();
        if (_entries.TryGetValue(version.Sha256, out var found) && found.TryAddLease())
        {
            Interlocked.Increment(ref _hits);
            found.Touch(now, _clock.TimestampFrequency);
            return found;
        }

        lock (_gate)
        {
            // Entries are added and taken out (marked removed first) only under the lock: one found here is leasable.
            if (_entries.TryGetValue(version.Sha256, out found) && found.TryAddLease())
            {
                Interlocked.Increment(ref _hits);
                found.LastUsed = now;
                return found;
            }

            var entry = new Entry(this, version.Sha256, version.SizeBytes, e => Task.Run(() => LoadAsync(e, version))) { LastUsed = now };
            _entries[version.Sha256] = entry;
            _bytes += entry.SizeBytes;
            _count++;
            _misses++;
            return entry;
        }
    }

    /// <summary>Takes an entry out of the cache (marking it removed if it is not); the caller holds the lock.</summary>
    private void TakeOut(Entry entry)
    {
        entry.MarkRemoved();
        if (_entries.TryGetValue(entry.Sha256, out var current) && ReferenceEquals(current, entry))
        {
            _entries.TryRemove(entry.Sha256, out _);
            _bytes -= entry.SizeBytes;
            _count--;
        }
    }

    private void Release(Entry entry)
    {
        if (entry.RemoveLease())
        {
            entry.DisposeModel();
        }
        else
        {
            // A model kept over the bounds because it was leased can go now.
            EnforceBounds();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name} version {Version} ({SizeBytes} bytes) in {ElapsedMs:F1} ms")]
    private static partial void LogLoaded(ILogger logger, string name, int version, long sizeBytes, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded model {Sha256} ({Reason})")]
    private static partial void LogUnloaded(ILogger logger, string sha256, string reason);

    private sealed class Entry
    {
        // The lease count, with this bit set once the entry is out of the cache.
        private const int RemovedBit = 1 << 30;

        private int _state = 1;
        private long _lastUsed;

        /// <summary>Created with the first request's lease on it.</summary>
        public Entry(ModelCache cache, string sha256, long sizeBytes, Func<Entry, Task<LoadedModel>> load)
        {
            Sha256 = sha256;
            SizeBytes = sizeBytes;
            ReleaseLease = () => cache.Release(this);
            Load = load(this);
        }

        /// <summary>Ends one lease; one per entry, so that a lease allocates no closure.</summary>
        public Action ReleaseLease { get; }

        public string Sha256 { get; }

        public long SizeBytes { get; }

        /// <summary>Started by the first request; every other request awaits the same load.</summary>
        public Task<LoadedModel> Load { get; }

        public int Leases => Volatile.Read(ref _state) & ~RemovedBit;

        public long LastUsed
        {
            get => Volatile.Read(ref _lastUsed);
            set => Volatile.Write(ref _lastUsed, value);
        }

        /// <summary>
        /// Records a use at <paramref name="now"/>, at most once a millisecond: under load every core would otherwise
        /// write the same line on every request, and least-recently-used order needs no finer time than that.
        /// </summary>
        public void Touch(long now, long frequency)
        {
            if (now - LastUsed >= frequency / 1000)
            {
                LastUsed = now;
            }
        }

        /// <summary>Takes a lease unless the entry is out of the cache.</summary>
        public bool TryAddLease()
        {
            int state = Volatile.Read(ref _state);
            while ((state & RemovedBit) == 0)
            {
                int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
                if (seen == state)
                {
                    return true;
                }

                state = seen;
            }

            return false;
        }

        /// <summary>Ends a lease; true when it was the last one on an entry out of the cache (the caller disposes the model).</summary>
        public bool RemoveLease() => Interlocked.Decrement(ref _state) == RemovedBit;

        /// <summary>Marks the entry out of the cache only if no lease is held (the caller disposes the model).</summary>
        public bool TryRemoveUnleased() => Interlocked.CompareExchange(ref _state, RemovedBit, 0) == 0;

        /// <summary>Marks the entry out of the cache; true when no lease is held (the caller disposes the model; else the last lease does).</summary>
        public bool MarkRemoved()
        {
            int before = Interlocked.Or(ref _state, RemovedBit);
            return before == 0;
        }

        public bool IsLoaded => Load.IsCompletedSuccessfully;

        public void DisposeModel()
        {
            if (IsLoaded)
            {
                Load.Result.Dispose();
            }
        }
    }
}
