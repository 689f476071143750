using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>Throughput and latency percentiles of one measurement.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Connections">Concurrent connections (or threads, in process).</param>
/// <param name="RequestsPerSecond">Completed requests per second.</param>
/// <param name="P50Ms">Median latency, milliseconds.</param>
/// <param name="P99Ms">99th percentile latency, milliseconds.</param>
/// <param name="Errors">Non-2xx responses and socket errors.</param>
internal sealed record LatencySummary(string Name, int Connections, double RequestsPerSecond, double P50Ms, double P99Ms, long Errors)
{
    /// <summary>Summarises per-call latencies measured over <paramref name="seconds"/>.</summary>
    public static LatencySummary FromSamples(string name, int connections, List<double> latenciesMs, double seconds)
    {
        latenciesMs.Sort();
        return new LatencySummary(name, connections, latenciesMs.Count / seconds, Percentile(latenciesMs, 0.50), Percentile(latenciesMs, 0.99), 0);
    }

    /// <summary>The median of each figure over several runs of one measurement; errors are summed.</summary>
    public static LatencySummary Median(List<LatencySummary> runs)
    {
        double Middle(Func<LatencySummary, double> figure) => Percentile(runs.Select(figure).Order().ToList(), 0.5);
        return new LatencySummary(runs[0].Name, runs[0].Connections, Middle(r => r.RequestsPerSecond), Middle(r => r.P50Ms), Middle(r => r.P99Ms), runs.Sum(r => r.Errors));
    }

    /// <summary>The value below which <paramref name="p"/> of the sorted samples fall.</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A Markdown table row.</summary>
    public string ToRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Connections} | {RequestsPerSecond:F0} | {P50Ms:F3} | {P99Ms:F3} | {Errors} |");
}
