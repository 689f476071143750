using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Chooses the predictions to sample, each model's at its rate (<see cref="SampleRates"/>: the spec's, else
/// <see cref="MonitoringOptions.SampleRate"/>), and puts them in a bounded in-memory
/// buffer (<see cref="MonitoringOptions.BufferCapacity"/>) that the shipper sends to the sample queue. Serving never
/// waits on it and it never throws into serving: when the buffer is full a sample is dropped and counted. Counts go to
/// the meter <c>Serverless.Monitoring</c> (<c>serverless.monitoring.samples.sampled</c>, <c>.sent</c>,
/// <c>.dropped</c>, tagged with the model) and to <see cref="GetStatistics"/>.
/// </summary>
public sealed partial class PredictionSampler : IDisposable
{
    /// <summary>The meter the sampling counters are published on.</summary>
    public const string MeterName = "Serverless.Monitoring";

    private readonly Channel<PredictionSample> _buffer;
    private readonly SampleRates _rates;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _sampledCounter;
    private readonly Counter<long> _sentCounter;
    private readonly Counter<long> _droppedCounter;
    private long _sampled;
    private long _sent;
    private long _dropped;
    private long _buffered;

    /// <summary>Creates the sampler and its buffer; without <paramref name="rates"/> every model is sampled at <see cref="MonitoringOptions.SampleRate"/>.</summary>
    public PredictionSampler(IOptions<MonitoringOptions> options, TimeProvider? clock = null, ILogger<PredictionSampler>? logger = null, IMeterFactory? meters = null, SampleRates? rates = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _rates = rates ?? new SampleRates(options);
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        // Wait mode makes TryWrite refuse when full, so every drop is seen and counted (DropWrite would accept silently).
        _buffer = Channel.CreateBounded<PredictionSample>(new BoundedChannelOptions(settings.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _sampledCounter = _meter.CreateCounter<long>("serverless.monitoring.samples.sampled", "{sample}", "Predictions chosen for sampling.");
        _sentCounter = _meter.CreateCounter<long>("serverless.monitoring.samples.sent", "{sample}", "Samples in messages the sample queue accepted.");
        _droppedCounter = _meter.CreateCounter<long>("serverless.monitoring.samples.dropped", "{sample}", "Samples dropped: buffer full, too large, or unsent at shutdown.");
    }

    /// <summary>The buffer the shipper drains.</summary>
    internal ChannelReader<PredictionSample> Reader => _buffer.Reader;

    /// <summary>Counts <paramref name="sample"/> as sampled and buffers it, or counts it as dropped when the buffer is full. Never blocks.</summary>
    public void Offer(PredictionSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Interlocked.Increment(ref _sampled);
        var tag = ModelTag(sample.Model);
        _sampledCounter.Add(1, tag);
        if (_buffer.Writer.TryWrite(sample))
        {
            Interlocked.Increment(ref _buffered);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
            _droppedCounter.Add(1, tag);
        }
    }

    /// <summary>
    /// Samples rows of a records API answer: each row is chosen at the model's rate on its own; the chosen rows' features and
    /// predictions are captured from the request and the written response. Never throws. Returns the samples taken
    /// (null when none), for the alias's shadow to sample the same predictions (<see cref="SampleShadow"/>).
    /// </summary>
    internal IReadOnlyList<PredictionSample>? SampleRecords(ModelVersionInfo version, IReadOnlyList<JsonElement> rows, ReadOnlyMemory<byte> response)
    {
        double rate = _rates.For(version.Name);
        if (rate <= 0)
        {
            return null;
        }

        List<int>? chosen = null;
        for (int r = 0; r < rows.Count; r++)
        {
            if (ShouldSample(rate))
            {
                (chosen ??= []).Add(r);
            }
        }

        if (chosen is null)
        {
            return null;
        }

        return OfferAll(version, () => SampleCapture.FromRecords(version, rows, chosen, response, _clock.GetUtcNow()));
    }

    /// <summary>
    /// Samples an Open Inference Protocol answer, chosen at the model's rate as one prediction; when every input is an
    /// <c>[N]</c> or <c>[N, 1]</c> tensor it is split into N rows, otherwise nothing is sampled. Never throws. Returns
    /// the samples taken (null when none).
    /// </summary>
    internal IReadOnlyList<PredictionSample>? SampleInference(ModelVersionInfo version, ReadOnlyMemory<byte> request, ReadOnlyMemory<byte> response)
    {
        if (!ShouldSample(_rates.For(version.Name)))
        {
            return null;
        }

        // Read as a document only once chosen: serving itself reads the body without one.
        return OfferAll(version, () =>
        {
            using var document = JsonBody.Parse(request);
            return SampleCapture.FromInference(version, document.RootElement, response, _clock.GetUtcNow());
        });
    }

    /// <summary>
    /// Samples a shadow version's answer to a copy of a request: exactly the predictions sampled from the answer the caller
    /// got (<paramref name="served"/>, chosen at the model's rate), each under the same prediction id and time, with the
    /// shadow's prediction, marked <see cref="PredictionSample.Shadow"/>. So feedback for a prediction judges both
    /// versions, and the served version's monitoring never sees the shadow's answers. Never throws.
    /// </summary>
    /// <param name="shadow">The shadow version.</param>
    /// <param name="served">The samples taken of the answer the caller got.</param>
    /// <param name="records">Whether the request was a records API one (else Open Inference Protocol).</param>
    /// <param name="body">The request body.</param>
    /// <param name="response">The answer the caller got.</param>
    /// <param name="shadowResponse">The shadow's answer.</param>
    internal void SampleShadow(
        ModelVersionInfo shadow, IReadOnlyList<PredictionSample> served, bool records, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> response, ReadOnlyMemory<byte> shadowResponse)
    {
        ArgumentNullException.ThrowIfNull(served);
        if (served.Count > 0)
        {
            OfferAll(shadow, () => SampleCapture.FromShadow(shadow, served, records, body, response, shadowResponse));
        }
    }

    private List<PredictionSample>? OfferAll(ModelVersionInfo version, Func<List<PredictionSample>> capture)
    {
        try
        {
            var samples = capture();
            samples.ForEach(Offer);
            return samples.Count > 0 ? samples : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCaptureFailed(_logger, version.Name, ex);
            return null;
        }
    }

    /// <summary>What this instance has sampled, sent, dropped and holds.</summary>
    public SamplingStatistics GetStatistics() => new(
        Interlocked.Read(ref _sampled),
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _buffered));

    /// <summary>Counts buffered samples the queue accepted.</summary>
    internal void ReportSent(IEnumerable<PredictionSample> samples) => Report(samples, ref _sent, _sentCounter);

    /// <summary>Counts buffered samples that will never be sent.</summary>
    internal void ReportDropped(IEnumerable<PredictionSample> samples) => Report(samples, ref _dropped, _droppedCounter);

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Decides whether one prediction is sampled at <paramref name="rate"/>; allocates nothing.</summary>
    private static bool ShouldSample(double rate) => rate >= 1 || (rate > 0 && Random.Shared.NextDouble() < rate);

    private static KeyValuePair<string, object?> ModelTag(string model) => new("model", model);

    private void Report(IEnumerable<PredictionSample> samples, ref long total, Counter<long> counter)
    {
        foreach (var group in samples.GroupBy(s => s.Model, StringComparer.Ordinal))
        {
            int count = group.Count();

            Interlocked.Add(ref total, count);
            Interlocked.Add(ref _buffered, -count);
            counter.Add(count, ModelTag(group.Key));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A prediction of model {Model} could not be captured as a sample; it is not sampled.")]
    private static partial void LogCaptureFailed(ILogger logger, string model, Exception exception);
}
