using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// Models in memory, per artifact hash: loaded on first use (from the local disk cache, else from Blob Storage), the
/// SHA-256 checked before ONNX Runtime sees the bytes, one load however many requests arrive at once, bounded in count
/// and bytes (least recently used out first) and unloaded when idle. A model evicted while requests still use it is
/// disposed when the last of them is done.
/// </summary>
/// <remarks>
/// Hand-written rather than on <c>IMemoryCache</c>: that cache bounds one size unit (not count and bytes together),
/// compacts asynchronously and may dispose an entry a request is still running on.
/// </remarks>
public sealed partial class ModelCache : IDisposable
{
    private readonly ModelRegistry _registry;
    private readonly ServingOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ModelCache> _logger;
    private readonly string _directory;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long At, string Message)> _refused = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ITimer _sweeper;
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _loads;
    private long _loadFailures;
    private long _evictions;
    private long _idleUnloads;

    /// <summary>Creates the cache; its idle sweep runs on <paramref name="clock"/>.</summary>
    public ModelCache(ModelRegistry registry, IOptions<ServingOptions> options, TimeProvider clock, ILogger<ModelCache> logger)
    {
        _registry = registry;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _directory = string.IsNullOrWhiteSpace(_options.CacheDirectory)
            ? Path.Combine(Path.GetTempPath(), "serverless-models")
            : _options.CacheDirectory;
        var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleUnloadAfter.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
        _sweeper = clock.CreateTimer(_ => UnloadIdle(), null, period, period);
    }

    /// <summary>How long an artifact that failed its hash check is refused before it is downloaded and checked again.</summary>
    public static readonly TimeSpan IntegrityRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>Borrows the model of <paramref name="version"/>, loading it if it is not in memory.</summary>
    /// <exception cref="ModelIntegrityException">
    /// The stored artifact does not match its recorded SHA-256. The refusal is remembered for
    /// <see cref="IntegrityRetryAfter"/>, so that requests in the meantime fail at once instead of each downloading the
    /// artifact and recording another event.
    /// </exception>
    public async Task<ModelLease> AcquireAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        Entry entry;
        lock (_gate)
        {
            if (_refused.TryGetValue(version.Sha256, out var refusal))
            {
                if (_clock.GetElapsedTime(refusal.At) < IntegrityRetryAfter)
                {
                    throw new ModelIntegrityException(refusal.Message);
                }

                _refused.Remove(version.Sha256);
            }

            if (_entries.TryGetValue(version.Sha256, out var found))
            {
                entry = found;
                _hits++;
            }
            else
            {
                entry = new Entry(version.Sha256, version.SizeBytes, () => Task.Run(() => LoadAsync(version)));
                _entries.Add(version.Sha256, entry);
                _bytes += entry.SizeBytes;
                _misses++;
            }

            entry.Leases++;
            entry.LastUsed = _clock.GetTimestamp();
        }

        try
        {
            var model = await entry.Load.Value.WaitAsync(cancellationToken);
            EnforceBounds(entry);
            return new ModelLease(model, () => Release(entry));
        }
        catch
        {
            Release(entry);
            if (entry.Load.IsValueCreated && entry.Load.Value.IsFaulted)
            {
                Remove(entry, ref _loadFailures);
            }

            throw;
        }
    }

    /// <summary>What the cache holds and has done.</summary>
    public ModelCacheStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new ModelCacheStatistics(_entries.Count, _bytes, _hits, _misses, _loads, _loadFailures, _evictions, _idleUnloads);
        }
    }

    /// <summary>Unloads every model not used for <see cref="ServingOptions.IdleUnloadAfter"/> (the sweep timer's work).</summary>
    private void UnloadIdle()
    {
        long now = _clock.GetTimestamp();
        List<Entry> idle;
        lock (_gate)
        {
            idle = _entries.Values
                .Where(e => e.Leases == 0 && e.IsLoaded && _clock.GetElapsedTime(e.LastUsed, now) >= _options.IdleUnloadAfter)
                .ToList();
        }

        foreach (var entry in idle)
        {
            if (Remove(entry, ref _idleUnloads))
            {
                LogUnloaded(_logger, entry.Sha256, "idle");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sweeper.Dispose();
        List<Entry> all;
        lock (_gate)
        {
            all = [.. _entries.Values];
        }

        foreach (var entry in all)
        {
            Remove(entry, ref _evictions);
        }
    }

    private async Task<LoadedModel> LoadAsync(ModelVersionInfo version)
    {
        long started = _clock.GetTimestamp();
        string path = Path.Combine(_directory, version.Sha256 + ".onnx");
        byte[]? bytes = null;
        if (File.Exists(path))
        {
            bytes = await File.ReadAllBytesAsync(path);
            if (Sha256Of(bytes) != version.Sha256)
            {
                // A damaged local copy is not the registry's problem: drop it and fetch the artifact again.
                LogLocalCopyDamaged(_logger, path);
                File.Delete(path);
                bytes = null;
            }
        }

        if (bytes is null)
        {
            bytes = await _registry.DownloadAsync(version, CancellationToken.None);
            string actual = Sha256Of(bytes);
            if (actual != version.Sha256)
            {
                string message = $"Model '{version.Name}' version {version.Version} is not served: its artifact '{version.Artifact}' hashes to {actual}, not the registered {version.Sha256}.";
                LogIntegrityFailure(_logger, version.Name, version.Version, version.Sha256, actual);
                lock (_gate)
                {
                    _refused[version.Sha256] = (_clock.GetTimestamp(), message);
                }

                await _registry.RecordEventAsync(version.Name, version.Version, "integrity-failure", message, CancellationToken.None);
                throw new ModelIntegrityException(message);
            }

            Directory.CreateDirectory(_directory);
            string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        var model = new LoadedModel(new InferenceSession(bytes, sessionOptions));
        lock (_gate)
        {
            _loads++;
        }

        var elapsed = _clock.GetElapsedTime(started);
        LogLoaded(_logger, version.Name, version.Version, version.SizeBytes, elapsed.TotalMilliseconds);
        return model;
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private void EnforceBounds(Entry keep)
    {
        while (true)
        {
            Entry? victim;
            lock (_gate)
            {
                if (_entries.Count <= Math.Max(1, _options.MaxLoadedModels) && _bytes <= _options.MaxLoadedBytes)
                {
                    return;
                }

                victim = _entries.Values
                    .Where(e => !ReferenceEquals(e, keep) && e.IsLoaded)
                    .MinBy(e => e.LastUsed);
            }

            if (victim is null)
            {
                return;
            }

            if (Remove(victim, ref _evictions))
            {
                LogUnloaded(_logger, victim.Sha256, "cache bounds");
            }
        }
    }

    /// <summary>Takes an entry out of the cache; its model is disposed once no lease holds it.</summary>
    private bool Remove(Entry entry, ref long counter)
    {
        bool disposeNow;
        lock (_gate)
        {
            if (!_entries.TryGetValue(entry.Sha256, out var current) || !ReferenceEquals(current, entry))
            {
                return false;
            }

            _entries.Remove(entry.Sha256);
            _bytes -= entry.SizeBytes;
            counter++;
            entry.Removed = true;
            disposeNow = entry.Leases == 0;
        }

        if (disposeNow)
        {
            entry.DisposeModel();
        }

        return true;
    }

    private void Release(Entry entry)
    {
        bool disposeNow;
        lock (_gate)
        {
            entry.Leases--;
            disposeNow = entry.Removed && entry.Leases == 0;
        }

        if (disposeNow)
        {
            entry.DisposeModel();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name} version {Version} ({SizeBytes} bytes) in {ElapsedMs:F1} ms")]
    private static partial void LogLoaded(ILogger logger, string name, int version, long sizeBytes, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded model {Sha256} ({Reason})")]
    private static partial void LogUnloaded(ILogger logger, string sha256, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local model copy {Path} is damaged; downloading it again")]
    private static partial void LogLocalCopyDamaged(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} version {Version} refused: artifact hashes to {Actual}, registered {Expected}")]
    private static partial void LogIntegrityFailure(ILogger logger, string name, int version, string expected, string actual);

    private sealed class Entry(string sha256, long sizeBytes, Func<Task<LoadedModel>> load)
    {
        public string Sha256 { get; } = sha256;

        public long SizeBytes { get; } = sizeBytes;

        /// <summary>Started by the first request that awaits it; every other request awaits the same load.</summary>
        public Lazy<Task<LoadedModel>> Load { get; } = new(load);

        public int Leases { get; set; }

        public long LastUsed { get; set; }

        public bool Removed { get; set; }

        public bool IsLoaded => Load.IsValueCreated && Load.Value.IsCompletedSuccessfully;

        public void DisposeModel()
        {
            if (IsLoaded)
            {
                Load.Value.Result.Dispose();
            }
        }
    }
}
