using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// What prediction sampling costs serving: the same single-row <c>/predict</c> load on three hosts that differ only in
/// <c>Monitoring__SampleRate</c> (0, 10%, 100%), measured in turns so drift on the machine falls on all of them alike;
/// medians of three rounds, and each rate's throughput against the 0% baseline of the same run.
/// </summary>
internal static class SamplingBenchmark
{
    private const int Rounds = 3;
    private const int Connections = 16;
    private static readonly double[] Rates = [0, 0.1, 1];

    public static async Task<int> RunAsync(BenchmarkHost host, byte[] model, string predictBody, int seconds, string? outFile)
    {
        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"# Sampling benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; wrk at {Connections} connections shares the cores. POST /models/{{name}}/predict, one row; {seconds} s per measurement, medians of {Rounds} rounds."));
        Line();

        var hosts = new List<(double Rate, HostProcess Runtime, string Url)>();
        try
        {
            foreach (double rate in Rates)
            {
                var runtime = await host.StartAsync(new Dictionary<string, string>
                {
                    ["Monitoring__SampleRate"] = rate.ToString(CultureInfo.InvariantCulture),
                    ["Monitoring__SampleQueue"] = $"bench-samples-{(int)(rate * 100)}",
                    ["Monitoring__SampleTable"] = $"benchsamples{(int)(rate * 100)}",

                    // Serving's cost of sampling alone: the sample file's demo values would evaluate minute windows every
                    // 15 s on the same cores. The evaluation has its own scenario (--scenario evaluation).
                    ["Monitoring__WindowLength"] = "00:05:00",
                    ["Monitoring__EvaluationSchedule"] = "0 0 0 1 1 *",
                });
                string name = $"bench-sampling-{(int)(rate * 100)}";
                await RegistryRequests.RegisterAndPromoteAsync(runtime.Client, name, model, null, CancellationToken.None);
                string url = new Uri(runtime.BaseAddress, $"models/{name}/predict").ToString();
                await Wrk.RunAsync("warm-up", url, Wrk.PostScript(predictBody), Connections, 5);
                hosts.Add((rate, runtime, url));
            }

            var runs = hosts.ToDictionary(h => h.Rate, _ => new List<LatencySummary>());
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var (rate, _, url) in hosts)
                {
                    runs[rate].Add(await Wrk.RunAsync($"sample rate {rate:P0}", url, Wrk.PostScript(predictBody), Connections, seconds));
                }
            }

            var medians = runs.ToDictionary(r => r.Key, r => LatencySummary.Median(r.Value));
            Line("| sample rate | req/s | p50 (ms) | p99 (ms) | errors | throughput vs 0% | sampled | sent | dropped |");
            Line("|---|---|---|---|---|---|---|---|---|");
            foreach (var (rate, runtime, _) in hosts)
            {
                var m = medians[rate];
                var stats = await runtime.Client.GetFromJsonAsync<JsonElement>("monitoring/sampling");
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {rate:P0} | {m.RequestsPerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} | {m.Errors} | {m.RequestsPerSecond / medians[0].RequestsPerSecond:P1} | {stats.GetProperty("sampled")} | {stats.GetProperty("sent")} | {stats.GetProperty("dropped")} |"));
            }
        }
        finally
        {
            foreach (var (_, runtime, _) in hosts)
            {
                await runtime.DisposeAsync();
            }
        }

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }
}
