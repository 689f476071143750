using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Each model's sample rate: its spec's <c>monitoring.sampleRate</c>, else <see cref="MonitoringOptions.SampleRate"/>.
/// A prediction never waits on storage for it: the rates are kept in memory and read from the spec store in the
/// background. A model not known yet answers the setting's rate and starts one read of its spec; a rate older than
/// <see cref="MonitoringOptions.SampleRateRefresh"/> is answered as it is and read again; a spec stored on this
/// instance is taken at once (<see cref="Update"/>), other instances take it within the refresh interval. When storage
/// cannot be reached the known rate is kept and read again after the interval.
/// </summary>
public sealed partial class SampleRates
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reading = new(StringComparer.Ordinal);
    private readonly SpecStore? _specs;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _refresh;
    private readonly ILogger _logger;

    /// <summary>Creates the rates over <paramref name="specs"/>; without a spec store every model gets the setting's rate.</summary>
    public SampleRates(IOptions<MonitoringOptions> options, SpecStore? specs = null, TimeProvider? clock = null, ILogger<SampleRates>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Default = options.Value.SampleRate;
        _refresh = options.Value.SampleRateRefresh;
        _specs = specs;
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The rate of a model whose spec sets none (<see cref="MonitoringOptions.SampleRate"/>).</summary>
    public double Default { get; }

    /// <summary>The share of <paramref name="model"/>'s predictions to sample, as known now; never waits and allocates nothing once the model is known.</summary>
    public double For(string model)
    {
        if (_specs is null)
        {
            return Default;
        }

        if (_entries.TryGetValue(model, out var entry))
        {
            if (_clock.GetElapsedTime(entry.ReadAt) >= _refresh)
            {
                StartReading(model);
            }

            return entry.Rate;
        }

        StartReading(model);
        return Default;
    }

    /// <summary>Takes <paramref name="spec"/>, just stored, as its model's rate at once.</summary>
    public void Update(StoredSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Store(spec.Model, new Entry(RateOf(spec.Spec), spec.Version, _clock.GetTimestamp()));
    }

    /// <summary>The rates known on this instance, by model (a model not listed gets <see cref="Default"/>).</summary>
    public IReadOnlyDictionary<string, double> Known() =>
        new SortedDictionary<string, double>(_entries.ToDictionary(e => e.Key, e => e.Value.Rate, StringComparer.Ordinal), StringComparer.Ordinal);

    private double RateOf(ModelSpec spec) => spec.Monitoring?.SampleRate ?? Default;

    private void StartReading(string model)
    {
        // One read per model at a time, however many requests see the rate missing or old.
        if (_reading.TryAdd(model, 0))
        {
            _ = Task.Run(() => ReadAsync(model));
        }
    }

    private async Task ReadAsync(string model)
    {
        try
        {
            var stored = await _specs!.GetAsync(model, null, CancellationToken.None);
            Store(model, new Entry(RateOf(stored.Spec), stored.Version, _clock.GetTimestamp()));
        }
        catch (SpecNotFoundException)
        {
            Store(model, new Entry(Default, 0, _clock.GetTimestamp()));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Storage did not answer: keep the known rate (or the setting's) and read again after the interval.
            LogReadFailed(_logger, model, _refresh, ex);
            var known = _entries.TryGetValue(model, out var entry) ? entry : new Entry(Default, 0, 0);
            Store(model, known with { ReadAt = _clock.GetTimestamp() });
        }
        finally
        {
            _reading.TryRemove(model, out _);
        }
    }

    /// <summary>Stores <paramref name="entry"/> unless a later spec version is already known (a read that began before a PUT must not undo it).</summary>
    private void Store(string model, Entry entry)
    {
        while (true)
        {
            if (!_entries.TryGetValue(model, out var current))
            {
                if (_entries.TryAdd(model, entry))
                {
                    return;
                }
            }
            else if (current.SpecVersion > entry.SpecVersion || _entries.TryUpdate(model, entry, current))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the spec of model {Model} for its sample rate; keeping the rate known and trying again in {Refresh}")]
    private static partial void LogReadFailed(ILogger logger, string model, TimeSpan refresh, Exception exception);

    private sealed record Entry(double Rate, int SpecVersion, long ReadAt);
}
