using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// Resolved aliases, so that a request does not read the registry each time, and a promotion or rollback is still
/// served within the refresh interval, idle or not: a resolution younger than half the interval answers as it is; one
/// older starts one background re-read and answers; one older than the whole interval (the instance was idle) is read
/// again before the request is answered. When storage cannot be reached, the known version keeps being served (and the
/// failure logged) instead of the request failing; a later request tries again.
/// </summary>
internal sealed partial class AliasCache(ModelRegistry registry, TimeProvider clock, TimeSpan refreshInterval, ILogger logger)
{
    private readonly ConcurrentDictionary<(string Name, string Alias), Entry> _entries = new();

    public async Task<ModelVersionInfo> ResolveAsync(string name, string alias, CancellationToken cancellationToken)
    {
        var key = (name, alias);
        if (!_entries.TryGetValue(key, out var entry))
        {
            var version = await registry.GetByAliasAsync(name, alias, cancellationToken);
            _entries[key] = new Entry(version, clock.GetTimestamp());
            return version;
        }

        var age = clock.GetElapsedTime(entry.ResolvedAt);
        if (age < refreshInterval / 2)
        {
            return entry.Version;
        }

        var refresh = entry.Refresh(() => RefreshAsync(key, entry));
        if (age < refreshInterval || (entry.FailedAt is long failedAt && clock.GetElapsedTime(failedAt) < refreshInterval))
        {
            return entry.Version;
        }

        return await refresh.WaitAsync(cancellationToken) ?? await ResolveAsync(name, alias, cancellationToken);
    }

    /// <summary>Re-reads the alias; returns the version to serve, or null when the alias or model is gone (the entry is dropped).</summary>
    private async Task<ModelVersionInfo?> RefreshAsync((string Name, string Alias) key, Entry stale)
    {
        try
        {
            // One read while the alias stays put; the version row only when it has moved.
            int target = await registry.GetAliasTargetAsync(key.Name, key.Alias, CancellationToken.None);
            var version = target == stale.Version.Version ? stale.Version : await registry.GetVersionAsync(key.Name, target, CancellationToken.None);
            _entries[key] = new Entry(version, clock.GetTimestamp());
            return version;
        }
        catch (ModelNotFoundException)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, stale));
            return null;
        }
        catch (Exception ex)
        {
            // Storage did not answer (or answered nonsense): keep serving what is known; a later request tries again.
            LogRefreshFailed(logger, key.Name, key.Alias, stale.Version.Version, ex);
            stale.Failed(clock.GetTimestamp());
            return stale.Version;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh alias {Alias} of model {Name}; serving version {Version} as last resolved")]
    private static partial void LogRefreshFailed(ILogger logger, string name, string alias, int version, Exception exception);

    private sealed class Entry(ModelVersionInfo version, long resolvedAt)
    {
        private readonly Lock _gate = new();
        private Task<ModelVersionInfo?>? _refresh;

        public ModelVersionInfo Version { get; } = version;

        public long ResolvedAt { get; } = resolvedAt;

        /// <summary>When the last refresh failed, if it did.</summary>
        public long? FailedAt { get; private set; }

        /// <summary>The refresh under way, started by <paramref name="start"/> if there is none: one read however many requests need it.</summary>
        public Task<ModelVersionInfo?> Refresh(Func<Task<ModelVersionInfo?>> start)
        {
            lock (_gate)
            {
                // Started off this thread, so that a read failing at once cannot finish before it is stored here.
                return _refresh ??= Task.Run(start);
            }
        }

        public void Failed(long at)
        {
            lock (_gate)
            {
                FailedAt = at;
                _refresh = null;
            }
        }
    }
}
