using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Routing;

namespace Serverless.Core.Serving;

/// <summary>
/// Resolved aliases, so that a request does not read the registry each time, and a promotion or rollback is still
/// served within the refresh interval, idle or not: a resolution younger than half the interval answers as it is; one
/// older starts one background re-read and answers; one older than the whole interval (the instance was idle) is read
/// again before the request is answered. When storage cannot be reached, the known version keeps being served (and the
/// failure logged) instead of the request failing; a later request tries again. What is cached is the alias's route:
/// its version, canary (with weight) and shadow, all read from the alias's one row.
/// </summary>
internal sealed partial class AliasCache(ModelRegistry registry, TimeProvider clock, TimeSpan refreshInterval, ILogger logger)
{
    private readonly ConcurrentDictionary<(string Name, string Alias), Entry> _entries = new();

    /// <summary>The version the alias points at.</summary>
    public async Task<ModelVersionInfo> ResolveAsync(string name, string alias, CancellationToken cancellationToken) =>
        (await ResolveRouteAsync(name, alias, cancellationToken)).Main;

    /// <summary>The alias's version with its canary and shadow, if set.</summary>
    public async Task<ServingRoute> ResolveRouteAsync(string name, string alias, CancellationToken cancellationToken)
    {
        var key = (name, alias);
        if (!_entries.TryGetValue(key, out var entry))
        {
            var route = await ReadAsync(name, await registry.GetAliasRouteAsync(name, alias, cancellationToken), stale: null, cancellationToken);
            _entries[key] = new Entry(route, clock.GetTimestamp());
            return route;
        }

        var age = clock.GetElapsedTime(entry.ResolvedAt);
        if (age < refreshInterval / 2)
        {
            return entry.Route;
        }

        var refresh = entry.Refresh(() => RefreshAsync(key, entry));
        if (age < refreshInterval || (entry.FailedAt is long failedAt && clock.GetElapsedTime(failedAt) < refreshInterval))
        {
            return entry.Route;
        }

        return await refresh.WaitAsync(cancellationToken) ?? await ResolveRouteAsync(name, alias, cancellationToken);
    }

    /// <summary>Re-reads the alias; returns the route to serve, or null when the alias or model is gone (the entry is dropped).</summary>
    private async Task<ServingRoute?> RefreshAsync((string Name, string Alias) key, Entry stale)
    {
        try
        {
            // One read while the alias stays put; version rows only for what has moved.
            var route = await ReadAsync(key.Name, await registry.GetAliasRouteAsync(key.Name, key.Alias, CancellationToken.None), stale.Route, CancellationToken.None);
            _entries[key] = new Entry(route, clock.GetTimestamp());
            return route;
        }
        catch (ModelNotFoundException)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, stale));
            return null;
        }
        catch (Exception ex)
        {
            // Storage did not answer (or answered nonsense): keep serving what is known; a later request tries again.
            LogRefreshFailed(logger, key.Name, key.Alias, stale.Route.Main.Version, ex);
            stale.Failed(clock.GetTimestamp());
            return stale.Route;
        }
    }

    /// <summary>The versions <paramref name="route"/> names, each reused from <paramref name="stale"/> when it is the same number.</summary>
    private async Task<ServingRoute> ReadAsync(string name, AliasRoute route, ServingRoute? stale, CancellationToken cancellationToken)
    {
        async Task<ModelVersionInfo?> VersionAsync(int? number)
        {
            if (number is not int n)
            {
                return null;
            }

            foreach (var known in new[] { stale?.Main, stale?.Canary, stale?.Shadow })
            {
                if (known?.Version == n)
                {
                    return known;
                }
            }

            return await registry.GetVersionAsync(name, n, cancellationToken);
        }

        var main = (await VersionAsync(route.Version))!;
        var canary = await VersionAsync(route.CanaryVersion);
        var shadow = await VersionAsync(route.ShadowVersion);
        return stale is not null && stale.Main == main && stale.Canary == canary && stale.Shadow == shadow && stale.CanaryWeight == (route.CanaryWeight ?? 0)
            ? stale
            : new ServingRoute(main, canary, canary is null ? 0 : route.CanaryWeight ?? 0, shadow, route.Alias);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh alias {Alias} of model {Name}; serving version {Version} as last resolved")]
    private static partial void LogRefreshFailed(ILogger logger, string name, string alias, int version, Exception exception);

    private sealed class Entry(ServingRoute route, long resolvedAt)
    {
        private readonly Lock _gate = new();
        private Task<ServingRoute?>? _refresh;

        public ServingRoute Route { get; } = route;

        public long ResolvedAt { get; } = resolvedAt;

        /// <summary>When the last refresh failed, if it did.</summary>
        public long? FailedAt { get; private set; }

        /// <summary>The refresh under way, started by <paramref name="start"/> if there is none: one read however many requests need it.</summary>
        public Task<ServingRoute?> Refresh(Func<Task<ServingRoute?>> start)
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
