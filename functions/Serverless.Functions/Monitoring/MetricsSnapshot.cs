using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Serverless.Functions.Monitoring;

/// <summary>
/// Reads the platform's instruments on demand: an OpenTelemetry metric reader of its own (cumulative, collected only
/// when asked, so it never triggers the exporters' readers) whose in-memory exporter hands each collection over.
/// </summary>
public sealed class MetricsSnapshot
{
    private readonly List<Metric> _exported = [];
    private readonly Lock _gate = new();

    /// <summary>Creates the reader; the meter provider takes it (and disposes it).</summary>
    public MetricsSnapshot()
    {
#pragma warning disable CA2000 // The meter provider owns the reader and with it the exporter.
        Reader = new BaseExportingMetricReader(new InMemoryExporter<Metric>(_exported))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
#pragma warning restore CA2000
    }

    /// <summary>The reader to add to the meter provider.</summary>
    public MetricReader Reader { get; }

    /// <summary>The current values of every instrument that has recorded something, ordered by meter and name.</summary>
    public MetricsReport Read()
    {
        lock (_gate)
        {
            _exported.Clear();
            Reader.Collect();

            // A collection's metric points are valid until the next collection, which the lock keeps out.
            var instruments = _exported.Select(Read).Where(i => i.Points.Count > 0)
                .OrderBy(i => i.Meter, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
            _exported.Clear();
            return new MetricsReport(instruments);
        }
    }

    private static InstrumentReading Read(Metric metric)
    {
        var points = new List<PointReading>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            points.Add(metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => new PointReading(tags, Value: point.GetSumLong()),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => new PointReading(tags, Value: point.GetSumDouble()),
                MetricType.LongGauge => new PointReading(tags, Value: point.GetGaugeLastValueLong()),
                MetricType.DoubleGauge => new PointReading(tags, Value: point.GetGaugeLastValueDouble()),
                MetricType.Histogram => Histogram(tags, in point),
                _ => new PointReading(tags),
            });
        }

        return new InstrumentReading(metric.MeterName, metric.Name, metric.Unit, metric.Description, Kind(metric.MetricType), points);
    }

    private static string Kind(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => "updowncounter",
        MetricType.LongGauge or MetricType.DoubleGauge => "gauge",
        _ => "histogram",
    };

    private static PointReading Histogram(IReadOnlyDictionary<string, string?> tags, in MetricPoint point)
    {
        long count = point.GetHistogramCount();
        double sum = point.GetHistogramSum();
        if (count == 0 || !point.TryGetHistogramMinMaxValues(out double min, out double max))
        {
            return new PointReading(tags, Count: count, Sum: sum);
        }

        var buckets = new List<(double Bound, long Count)>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            buckets.Add((bucket.ExplicitBound, bucket.BucketCount));
        }

        return new PointReading(tags, Count: count, Sum: sum, Min: min, Max: max, P50: Quantile(0.5, count, buckets, min, max), P99: Quantile(0.99, count, buckets, min, max));
    }

    /// <summary>
    /// The <paramref name="q"/> quantile interpolated linearly within the bucket that holds it, the buckets' ends
    /// narrowed to the observed minimum and maximum.
    /// </summary>
    internal static double Quantile(double q, long count, IReadOnlyList<(double Bound, long Count)> buckets, double min, double max)
    {
        double rank = q * count;
        double lower = min;
        long below = 0;
        foreach (var (bound, inBucket) in buckets)
        {
            double upper = Math.Min(bound, max);
            if (inBucket > 0 && below + inBucket >= rank)
            {
                double from = Math.Max(lower, min);
                return from + ((upper - from) * (rank - below) / inBucket);
            }

            below += inBucket;
            lower = Math.Max(lower, Math.Min(bound, max));
        }

        return max;
    }
}
