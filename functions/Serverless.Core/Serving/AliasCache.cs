using System.Collections.Concurrent;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// Resolved aliases, refreshed ahead of use: a request is answered from the last resolution and, when that is older
/// than the refresh interval, starts one background re-read from the registry. Requests never wait on the registry
/// once an alias is known (so a slow or unreachable table does not stall serving), and a promotion or rollback
/// reaches the instance within the interval plus one request.
/// </summary>
internal sealed class AliasCache(ModelRegistry registry, TimeProvider clock, TimeSpan refreshInterval)
{
    private readonly ConcurrentDictionary<(string Name, string Alias), Entry> _entries = new();

    public async Task<ModelVersionInfo> ResolveAsync(string name, string alias, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue((name, alias), out var entry))
        {
            if (clock.GetElapsedTime(entry.ResolvedAt) >= refreshInterval && Interlocked.CompareExchange(ref entry.Refreshing, 1, 0) == 0)
            {
                _ = RefreshAsync(name, alias, entry);
            }

            return entry.Version;
        }

        var version = await registry.GetByAliasAsync(name, alias, cancellationToken);
        _entries[(name, alias)] = new Entry(version, clock.GetTimestamp());
        return version;
    }

    private async Task RefreshAsync(string name, string alias, Entry stale)
    {
        try
        {
            // One read while the alias stays put; the version row only when it has moved.
            int target = await registry.GetAliasTargetAsync(name, alias, CancellationToken.None);
            var version = target == stale.Version.Version ? stale.Version : await registry.GetVersionAsync(name, target, CancellationToken.None);
            _entries[(name, alias)] = new Entry(version, clock.GetTimestamp());
        }
        catch (ModelNotFoundException)
        {
            // The alias or model is gone: forget it, so that the next request gets the registry's 404.
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>((name, alias), stale));
        }
        catch (Exception)
        {
            // Storage did not answer (or answered nonsense): keep serving what is known; a later request tries again.
            Interlocked.Exchange(ref stale.Refreshing, 0);
        }
    }

    private sealed class Entry(ModelVersionInfo version, long resolvedAt)
    {
        public int Refreshing;

        public ModelVersionInfo Version { get; } = version;

        public long ResolvedAt { get; } = resolvedAt;
    }
}
