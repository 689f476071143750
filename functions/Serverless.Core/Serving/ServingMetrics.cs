using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving;

/// <summary>
/// The serving instruments, on the meter <c>Serverless.Serving</c>: <c>serverless.serving.requests</c> (counter of
/// answered prediction requests) and <c>serverless.serving.duration</c> (histogram of their time in the worker, in
/// seconds, from the call into <see cref="InferenceService"/> to its answer), both tagged with <c>model</c>,
/// <c>version</c>, <c>protocol</c> (<c>v2</c> for the Open Inference Protocol, <c>records</c> for the records API)
/// and <c>outcome</c> (<c>ok</c>, <c>client_error</c> for the caller's mistakes answered 4xx, <c>server_error</c> for
/// the platform's faults answered 5xx).
/// A request that fails before its version is resolved (bad name, unknown model, version or alias, storage out of
/// reach while resolving) has <c>version</c> empty (<c>""</c>), and <c>model</c> empty too when the name is not one the
/// registry allows, so that arbitrary strings cannot each make a series. Every request has all four tags, so that
/// every series has the same dimensions in Azure Monitor. A body over <c>Serving__MaxRequestBytes</c> is refused by
/// the function before it reaches the service and is not counted here.
/// </summary>
internal sealed class ServingMetrics : IDisposable
{
    /// <summary>The meter the serving instruments are published on.</summary>
    public const string MeterName = "Serverless.Serving";

    /// <summary>The request counter's name.</summary>
    public const string RequestsName = "serverless.serving.requests";

    /// <summary>The latency histogram's name.</summary>
    public const string DurationName = "serverless.serving.duration";

    /// <summary>The <c>protocol</c> tag of <c>/v2/.../infer</c>.</summary>
    public const string OpenInference = "v2";

    /// <summary>The <c>protocol</c> tag of <c>/models/{name}/predict</c>.</summary>
    public const string Records = "records";

    /// <summary>The <c>outcome</c> of an answered request.</summary>
    public const string Ok = "ok";

    /// <summary>The <c>outcome</c> of a request refused for what the caller sent or asked (4xx).</summary>
    public const string ClientError = "client_error";

    /// <summary>The <c>outcome</c> of a request the platform failed (5xx).</summary>
    public const string ServerError = "server_error";

    // Seconds: from well under a millisecond (a small tabular model) to the longest run allowed by default (30 s).
    private static readonly double[] DurationBuckets =
        [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/> (or a meter of its own without one).</summary>
    public ServingMetrics(IMeterFactory? meters = null)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>(RequestsName, "{request}", "Prediction requests answered, by model, version, protocol and outcome.");
        _duration = _meter.CreateHistogram(
            DurationName,
            "s",
            "Time from the request reaching the inference service to its answer.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Counts an answered request that started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void RecordSuccess(ModelVersionInfo version, string protocol, long startTimestamp)
    {
        if (_requests.Enabled || _duration.Enabled)
        {
            Record(version.Name, VersionTag(version.Version), protocol, Ok, startTimestamp);
        }
    }

    /// <summary>
    /// Counts a failed request: <paramref name="version"/> is the resolved version, or null when it failed before;
    /// the outcome follows from <paramref name="exception"/> as the functions answer it. Returns false, so that it can
    /// be called from an exception filter without catching anything.
    /// </summary>
    public bool RecordFailure(string name, ModelVersionInfo? version, string protocol, Exception exception, long startTimestamp, CancellationToken cancellationToken)
    {
        if (_requests.Enabled || _duration.Enabled)
        {
            string outcome = IsClientError(exception, cancellationToken) ? ClientError : ServerError;
            if (version is not null)
            {
                Record(version.Name, VersionTag(version.Version), protocol, outcome, startTimestamp);
            }
            else
            {
                Record(IsModelName(name) ? name : string.Empty, string.Empty, protocol, outcome, startTimestamp);
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>
    /// Whether the functions answer <paramref name="exception"/> with a 4xx: what the caller sent or asked for does
    /// not fit, or the caller went away (its cancellation).
    /// </summary>
    internal static bool IsClientError(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        InvalidInferenceRequestException or InvalidRegistryArgumentException or ModelNotFoundException or RequestLimitExceededException => true,
        OperationCanceledException => cancellationToken.IsCancellationRequested,
        _ => false,
    };

    // Versions below 300 come from the runtime's cache of small number strings: no allocation on the hot path.
    private static string VersionTag(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static bool IsModelName(string name)
    {
        try
        {
            ModelRegistry.ValidateName(name);
            return true;
        }
        catch (InvalidRegistryArgumentException)
        {
            return false;
        }
    }

    private void Record(string model, string version, string protocol, string outcome, long startTimestamp)
    {
        // TagList keeps up to eight tags inline: nothing is allocated per request.
        var tags = new TagList
        {
            { "model", model },
            { "version", version },
            { "protocol", protocol },
            { "outcome", outcome },
        };
        _requests.Add(1, in tags);
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, in tags);
    }
}
