using System.Text.Json.Serialization;

namespace Serverless.Functions.Monitoring;

/// <summary>
/// One tag set's reading since this instance started: <see cref="Value"/> for counters and gauges; count, sum, min,
/// max and the median and 99th percentile for histograms (estimated from the histogram's buckets, so within one bucket).
/// </summary>
/// <param name="Tags">The tag set (for serving: model, version, protocol, outcome).</param>
/// <param name="Value">A counter's sum or a gauge's last value.</param>
/// <param name="Count">A histogram's number of measurements.</param>
/// <param name="Sum">A histogram's sum of measurements.</param>
/// <param name="Min">A histogram's smallest measurement.</param>
/// <param name="Max">A histogram's largest measurement.</param>
/// <param name="P50">A histogram's median, estimated from its buckets.</param>
/// <param name="P99">A histogram's 99th percentile, estimated from its buckets.</param>
public sealed record PointReading(
    IReadOnlyDictionary<string, string?> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Count = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Sum = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Min = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Max = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? P50 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? P99 = null);
