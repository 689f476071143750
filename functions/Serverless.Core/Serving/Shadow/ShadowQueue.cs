using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Serving.Shadow;

/// <summary>
/// The bounded buffer between serving and the shadow worker: serving offers a copy of each request its alias's version
/// answered and never waits; when <see cref="ServingOptions.ShadowQueueCapacity"/> copies wait already, the copy is
/// dropped and counted. Counts, per model, go to the meter <c>Serverless.Serving.Shadow</c>
/// (<c>serverless.serving.shadow.queued</c>, <c>.dropped</c>, <c>.compared</c>, <c>.failed</c>) and, through the worker,
/// to the comparison store.
/// </summary>
internal sealed class ShadowQueue : IDisposable
{
    /// <summary>The meter the shadow counters are published on.</summary>
    public const string MeterName = "Serverless.Serving.Shadow";

    private readonly Channel<ShadowRequest> _channel;
    private readonly Meter _meter;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _compared;
    private readonly Counter<long> _failed;
    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    /// <summary>Creates the buffer and its instruments.</summary>
    public ShadowQueue(IOptions<ServingOptions> options, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Wait mode makes TryWrite refuse when full, so every drop is seen and counted.
        _channel = Channel.CreateBounded<ShadowRequest>(new BoundedChannelOptions(options.Value.ShadowQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _queued = _meter.CreateCounter<long>("serverless.serving.shadow.queued", "{request}", "Requests copied to their alias's shadow version.");
        _dropped = _meter.CreateCounter<long>("serverless.serving.shadow.dropped", "{request}", "Copies for a shadow version dropped because the shadow queue was full.");
        _compared = _meter.CreateCounter<long>("serverless.serving.shadow.compared", "{prediction}", "Predictions answered by a shadow version and compared.");
        _failed = _meter.CreateCounter<long>("serverless.serving.shadow.failed", "{request}", "Copies the shadow version could not answer, or whose comparison could not be stored.");
    }

    /// <summary>This process's id in the comparison store (its drop and failure counts are kept under it).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The worker's side.</summary>
    public ChannelReader<ShadowRequest> Reader => _channel.Reader;

    /// <summary>Queues <paramref name="request"/>, or drops and counts it when the queue is full. Never blocks.</summary>
    public void Offer(ShadowRequest request)
    {
        var tag = new KeyValuePair<string, object?>("model", request.Model);
        if (_channel.Writer.TryWrite(request))
        {
            _queued.Add(1, tag);
        }
        else
        {
            Interlocked.Increment(ref CountsOf(request.Model).Dropped);
            _dropped.Add(1, tag);
        }
    }

    /// <summary>Counts predictions compared.</summary>
    public void Compared(string model, int predictions) => _compared.Add(predictions, new KeyValuePair<string, object?>("model", model));

    /// <summary>Counts a copy that failed.</summary>
    public void Failed(string model)
    {
        Interlocked.Increment(ref CountsOf(model).Failed);
        _failed.Add(1, new KeyValuePair<string, object?>("model", model));
    }

    /// <summary>This process's drop and failure counts (since it started) of the models whose counts changed since the last call.</summary>
    public List<(string Model, long Dropped, long Failed)> TakeChangedCounts()
    {
        var changed = new List<(string, long, long)>();
        foreach (var (model, counts) in _counts)
        {
            long dropped = Interlocked.Read(ref counts.Dropped);
            long failed = Interlocked.Read(ref counts.Failed);
            if (dropped != counts.ReportedDropped || failed != counts.ReportedFailed)
            {
                counts.ReportedDropped = dropped;
                counts.ReportedFailed = failed;
                changed.Add((model, dropped, failed));
            }
        }

        return changed;
    }

    /// <summary>Drops of <paramref name="model"/> in this process since it started.</summary>
    public long DroppedOf(string model) => _counts.TryGetValue(model, out var counts) ? Interlocked.Read(ref counts.Dropped) : 0;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private Counts CountsOf(string model) => _counts.GetOrAdd(model, _ => new Counts());

    private sealed class Counts
    {
        public long Dropped;
        public long Failed;
        public long ReportedDropped;
        public long ReportedFailed;
    }
}
