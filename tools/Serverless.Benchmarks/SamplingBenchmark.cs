using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// What prediction sampling costs serving, laid out as Azure runs it. On the Flex Consumption plan the HTTP functions
/// scale as one group on their own instances and a queue-triggered function such as <c>StorePredictionSamples</c> on
/// instances of its own (per-function scaling), and storage is a remote service. So, per sample rate (0, 10%, 100%),
/// a serving host with the store disabled (<c>AzureWebJobs.StorePredictionSamples.Disabled</c>) runs pinned to CPU 0,
/// and a store host reading its sample queue, Azurite and wrk run on CPU 1. The same single-row <c>/predict</c> load
/// goes to each serving host in turn (three rounds, medians), so drift on the machine falls on all rates alike; each
/// rate's throughput is compared with the 0% host's of the same run.
/// Each measurement also charges CPU time from the start of the load until that host's samples are stored (buffer and
/// queue empty), per 1,000 requests, to the serving host, the store host and Azurite: what the whole pipeline costs,
/// wherever it runs.
/// </summary>
internal static class SamplingBenchmark
{
    private const int Rounds = 3;
    private const int Connections = 16;
    private const string ServingCpu = "0";
    private const string OtherCpus = "1";
    private static readonly double[] Rates = [0, 0.1, 1];
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(BenchmarkHost host, byte[] model, string predictBody, int seconds, string? outFile)
    {
        if (Environment.ProcessorCount < 2)
        {
            Console.Error.WriteLine("The sampling benchmark pins serving to one CPU and the rest to another: it needs two CPUs.");
            return 2;
        }

        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"# Sampling benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}. Serving host on CPU {ServingCpu}; store host, Azurite and wrk ({Connections} connections) on CPU {OtherCpus}. POST /models/{{name}}/predict, one row; {seconds} s per measurement, medians of {Rounds} rounds."));
        Line();

        int? azurite = int.TryParse(Environment.GetEnvironmentVariable("AZURITE_PID"), out int pid) ? pid : null;
        if (azurite is { } storage)
        {
            await ProcessAffinity.PinAsync([storage], OtherCpus);
        }

        var pairs = new List<Pair>();
        try
        {
            foreach (double rate in Rates)
            {
                var serving = await StartAsync(host, rate, ServingCpu, new() { ["AzureWebJobs.StorePredictionSamples.Disabled"] = "true" });
                var store = await StartAsync(host, rate, OtherCpus, []);
                string name = $"bench-sampling-{(int)(rate * 100)}";
                await RegistryRequests.RegisterAndPromoteAsync(serving.Runtime.Client, name, model, null, CancellationToken.None);
                string url = new Uri(serving.Runtime.BaseAddress, $"models/{name}/predict").ToString();
                await Wrk.RunAsync("warm-up", url, Wrk.PostScript(predictBody), Connections, 5, OtherCpus);
                await DrainAsync(host, serving.Runtime, rate);
                pairs.Add(new Pair(rate, serving, store, url));
            }

            var runs = pairs.ToDictionary(p => p.Rate, _ => new List<Measurement>());
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var pair in pairs)
                {
                    runs[pair.Rate].Add(await MeasureAsync(host, pair, predictBody, seconds, azurite));
                }
            }

            var load = runs.ToDictionary(r => r.Key, r => LatencySummary.Median(r.Value.Select(m => m.Load).ToList()));
            double Median(double rate, Func<Measurement, double> figure) => LatencySummary.Percentile(runs[rate].Select(figure).Order().ToList(), 0.5);
            string Cpu(double rate, Func<Measurement, double> figure) =>
                double.IsNaN(Median(rate, figure)) ? "—" : Median(rate, figure).ToString("F0", CultureInfo.InvariantCulture);
            Line("| sample rate | req/s | p50 (ms) | p99 (ms) | errors | throughput vs 0% | CPU ms / 1,000 req: serving host | store host | Azurite | sampled | sent | dropped |");
            Line("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var pair in pairs)
            {
                var m = load[pair.Rate];
                var stats = await pair.Serving.Runtime.Client.GetFromJsonAsync<JsonElement>("monitoring/sampling");
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {pair.Rate:P0} | {m.RequestsPerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} | {m.Errors} | {m.RequestsPerSecond / load[0].RequestsPerSecond:P1} | {Cpu(pair.Rate, r => r.ServingCpu)} | {Cpu(pair.Rate, r => r.StoreCpu)} | {Cpu(pair.Rate, r => r.AzuriteCpu)} | {stats.GetProperty("sampled")} | {stats.GetProperty("sent")} | {stats.GetProperty("dropped")} |"));
            }

            Line();
            double Total(Measurement m) => m.ServingCpu + m.StoreCpu + (double.IsNaN(m.AzuriteCpu) ? 0 : m.AzuriteCpu);
            Line(string.Create(CultureInfo.InvariantCulture,
                $"At 10%: the serving host's CPU per request {(Median(0.1, r => r.ServingCpu) / Median(0, r => r.ServingCpu)) - 1:+0.0%;-0.0%} against 0%; the whole pipeline's (serving, store and Azurite) {(Median(0.1, Total) / Median(0, Total)) - 1:+0.0%;-0.0%}."));
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.Serving.Runtime.DisposeAsync();
                await pair.Store.Runtime.DisposeAsync();
            }
        }

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static async Task<PinnedHost> StartAsync(BenchmarkHost host, double rate, string cpus, Dictionary<string, string> settings)
    {
        settings["Monitoring__SampleRate"] = rate.ToString(CultureInfo.InvariantCulture);
        settings["Monitoring__SampleQueue"] = QueueName(rate);
        settings["Monitoring__SampleTable"] = $"benchsamples{(int)(rate * 100)}";

        // Serving's cost of sampling alone: the sample file's demo values would evaluate minute windows every 15 s.
        // The evaluation has its own scenario (--scenario evaluation).
        settings["Monitoring__WindowLength"] = "00:05:00";
        settings["Monitoring__EvaluationSchedule"] = "0 0 0 1 1 *";
        var runtime = await host.StartAsync(settings);
        int[] processes = [runtime.ProcessId!.Value, (await runtime.WorkerProcessIdAsync()).GetValueOrDefault()];
        await ProcessAffinity.PinAsync(processes.Where(p => p > 0), cpus);
        return new PinnedHost(runtime, processes);
    }

    private static async Task<Measurement> MeasureAsync(BenchmarkHost host, Pair pair, string predictBody, int seconds, int? azurite)
    {
        var servingBefore = ProcessCpu.Read(pair.Serving.Processes);
        var storeBefore = ProcessCpu.Read(pair.Store.Processes);
        var azuriteBefore = azurite is { } a ? ProcessCpu.Read([a]) : TimeSpan.Zero;
        var load = await Wrk.RunAsync($"sample rate {pair.Rate:P0}", pair.Url, Wrk.PostScript(predictBody), Connections, seconds, OtherCpus);
        await DrainAsync(host, pair.Serving.Runtime, pair.Rate);
        double thousands = load.RequestsPerSecond * seconds / 1000;
        return new Measurement(
            load,
            (ProcessCpu.Read(pair.Serving.Processes) - servingBefore).TotalMilliseconds / thousands,
            (ProcessCpu.Read(pair.Store.Processes) - storeBefore).TotalMilliseconds / thousands,
            azurite is { } b ? (ProcessCpu.Read([b]) - azuriteBefore).TotalMilliseconds / thousands : double.NaN);
    }

    /// <summary>Waits until the host's samples are stored: nothing buffered, nothing in its sample queue (in-flight messages count there).</summary>
    private static async Task DrainAsync(BenchmarkHost host, HostProcess serving, double rate)
    {
        var queue = new QueueClient(host.Storage, QueueName(rate));
        var deadline = DateTime.UtcNow + DrainTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var stats = await serving.Client.GetFromJsonAsync<JsonElement>("monitoring/sampling");
            int queued;
            try
            {
                queued = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                queued = 0;
            }

            if (stats.GetProperty("buffered").GetInt64() == 0 && queued == 0)
            {
                return;
            }

            await Task.Delay(200);
        }

        Console.Error.WriteLine($"The {rate:P0} host's samples were not all stored within {DrainTimeout.TotalSeconds:F0} s; its CPU figures are short of the rest.");
    }

    private static string QueueName(double rate) => $"bench-samples-{(int)(rate * 100)}";

    private sealed record PinnedHost(HostProcess Runtime, int[] Processes);

    private sealed record Pair(double Rate, PinnedHost Serving, PinnedHost Store, string Url);

    private sealed record Measurement(LatencySummary Load, double ServingCpu, double StoreCpu, double AzuriteCpu);
}
