using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// What prediction sampling costs serving, laid out as Azure runs it. On the Flex Consumption plan the HTTP functions
/// scale as one group on their own instances and a queue-triggered function such as <c>StorePredictionSamples</c> on
/// instances of its own (per-function scaling), and storage is a remote service. So one serving host with the store
/// disabled (<c>AzureWebJobs.StorePredictionSamples.Disabled</c>) runs pinned to CPU 0, and a store host reading its
/// sample queue, Azurite and wrk run on CPU 1. The serving host serves three copies of the model whose specs set
/// <c>monitoring.sampleRate</c> to 0, 10% and 100%: one process for all rates, so nothing of one instance's luck (JIT
/// tiering, memory layout) falls on one rate only. The same single-row <c>/predict</c> load goes to each copy in turn
/// (five rounds, every other one in reverse order; medians), each rate's throughput compared with the 0% copy's of the same run.
/// Each measurement also charges CPU time from the start of the load until its samples are stored (buffer and queue
/// empty), per 1,000 requests, to the serving host, the store host and Azurite: what the whole pipeline costs, wherever
/// it runs.
/// </summary>
internal static class SamplingBenchmark
{
    private const int Rounds = 5;
    private const int Connections = 16;
    private const string ServingCpu = "0";
    private const string OtherCpus = "1";
    private static readonly double[] Rates = [0, 0.1, 1];
    private const string SampleQueue = "bench-samples";
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
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}. One serving host, one model copy per rate, on CPU {ServingCpu}; store host, Azurite and wrk ({Connections} connections) on CPU {OtherCpus}. POST /models/{{name}}/predict, one row; {seconds} s per measurement, medians of {Rounds} rounds."));
        Line();

        int? azurite = int.TryParse(Environment.GetEnvironmentVariable("AZURITE_PID"), out int pid) ? pid : null;
        if (azurite is { } storage)
        {
            await ProcessAffinity.PinAsync([storage], OtherCpus);
        }

        PinnedHost? serving = null;
        PinnedHost? store = null;
        var targets = new List<Target>();
        try
        {
            serving = await StartAsync(host, ServingCpu, new() { ["AzureWebJobs.StorePredictionSamples.Disabled"] = "true" });
            store = await StartAsync(host, OtherCpus, []);
            foreach (double rate in Rates)
            {
                string name = $"bench-sampling-{(int)(rate * 100)}";
                await RegistryRequests.RegisterAndPromoteAsync(serving.Runtime.Client, name, model, null, CancellationToken.None);
                var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
                spec["monitoring"] = new JsonObject { ["sampleRate"] = rate };
                using (var put = await serving.Runtime.Client.PutAsync($"specs/{name}", new StringContent(spec.ToJsonString(), Encoding.UTF8, "application/json")))
                {
                    put.EnsureSuccessStatusCode();
                }

                string url = new Uri(serving.Runtime.BaseAddress, $"models/{name}/predict").ToString();
                await Wrk.RunAsync("warm-up", url, Wrk.PostScript(predictBody), Connections, 5, OtherCpus);
                await DrainAsync(host, serving.Runtime);
                targets.Add(new Target(rate, url));
            }

            var runs = targets.ToDictionary(t => t.Rate, _ => new List<Measurement>());
            for (int round = 0; round < Rounds; round++)
            {
                // Every other round in reverse order, so that drift within a round falls on no rate more than another.
                foreach (var target in round % 2 == 0 ? targets : Enumerable.Reverse(targets))
                {
                    runs[target.Rate].Add(await MeasureAsync(host, serving, store, target, predictBody, seconds, azurite));
                }
            }

            var load = runs.ToDictionary(r => r.Key, r => LatencySummary.Median(r.Value.Select(m => m.Load).ToList()));
            double Median(double rate, Func<Measurement, double> figure) => LatencySummary.Percentile(runs[rate].Select(figure).Order().ToList(), 0.5);
            string Cpu(double rate, Func<Measurement, double> figure) =>
                double.IsNaN(Median(rate, figure)) ? "—" : Median(rate, figure).ToString("F0", CultureInfo.InvariantCulture);
            Line("| sample rate | req/s | p50 (ms) | p99 (ms) | errors | throughput vs 0% | CPU ms / 1,000 req: serving host | store host | Azurite | sampled | sent | dropped |");
            Line("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var target in targets)
            {
                var m = load[target.Rate];
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {target.Rate:P0} | {m.RequestsPerSecond:F0} | {m.P50Ms:F2} | {m.P99Ms:F2} | {m.Errors} | {m.RequestsPerSecond / load[0].RequestsPerSecond:P1} | {Cpu(target.Rate, r => r.ServingCpu)} | {Cpu(target.Rate, r => r.StoreCpu)} | {Cpu(target.Rate, r => r.AzuriteCpu)} | {runs[target.Rate].Sum(r => r.Sampling.Sampled)} | {runs[target.Rate].Sum(r => r.Sampling.Sent)} | {runs[target.Rate].Sum(r => r.Sampling.Dropped)} |"));
            }

            Line();
            double Total(double rate) => Median(rate, r => r.ServingCpu) + Median(rate, r => r.StoreCpu) + (azurite is null ? 0 : Median(rate, r => r.AzuriteCpu));
            Line(string.Create(CultureInfo.InvariantCulture,
                $"At 10%, against 0% (the table's medians): the serving host's CPU per request {(Median(0.1, r => r.ServingCpu) / Median(0, r => r.ServingCpu)) - 1:+0.0%;-0.0%}; the whole pipeline's (serving, store and Azurite) {(Total(0.1) / Total(0)) - 1:+0.0%;-0.0%}."));
        }
        finally
        {
            foreach (var started in new[] { serving, store })
            {
                if (started is not null)
                {
                    await started.Runtime.DisposeAsync();
                }
            }
        }

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static async Task<PinnedHost> StartAsync(BenchmarkHost host, string cpus, Dictionary<string, string> settings)
    {
        // Each model's spec sets its rate.
        settings["Monitoring__SampleRate"] = "0";
        settings["Monitoring__SampleQueue"] = SampleQueue;
        settings["Monitoring__SampleTable"] = "benchsamples";

        // Serving's cost of sampling alone: the sample file's demo values would evaluate minute windows every 15 s.
        // The evaluation has its own scenario (--scenario evaluation).
        settings["Monitoring__WindowLength"] = "00:05:00";
        settings["Monitoring__EvaluationSchedule"] = "0 0 0 1 1 *";
        var runtime = await host.StartAsync(settings);
        int[] processes = [runtime.ProcessId!.Value, (await runtime.WorkerProcessIdAsync()).GetValueOrDefault()];
        await ProcessAffinity.PinAsync(processes.Where(p => p > 0), cpus);
        return new PinnedHost(runtime, processes);
    }

    private static async Task<Measurement> MeasureAsync(BenchmarkHost host, PinnedHost serving, PinnedHost store, Target target, string predictBody, int seconds, int? azurite)
    {
        var statsBefore = await StatisticsAsync(serving.Runtime);
        var servingBefore = ProcessCpu.Read(serving.Processes);
        var storeBefore = ProcessCpu.Read(store.Processes);
        var azuriteBefore = azurite is { } a ? ProcessCpu.Read([a]) : TimeSpan.Zero;
        var load = await Wrk.RunAsync($"sample rate {target.Rate:P0}", target.Url, Wrk.PostScript(predictBody), Connections, seconds, OtherCpus);
        await DrainAsync(host, serving.Runtime);
        double thousands = load.RequestsPerSecond * seconds / 1000;
        var statsAfter = await StatisticsAsync(serving.Runtime);
        return new Measurement(
            load,
            (ProcessCpu.Read(serving.Processes) - servingBefore).TotalMilliseconds / thousands,
            (ProcessCpu.Read(store.Processes) - storeBefore).TotalMilliseconds / thousands,
            azurite is { } b ? (ProcessCpu.Read([b]) - azuriteBefore).TotalMilliseconds / thousands : double.NaN,
            new SamplingCounts(statsAfter.Sampled - statsBefore.Sampled, statsAfter.Sent - statsBefore.Sent, statsAfter.Dropped - statsBefore.Dropped));
    }

    private static async Task<SamplingCounts> StatisticsAsync(HostProcess serving)
    {
        var stats = await serving.Client.GetFromJsonAsync<JsonElement>("monitoring/sampling");
        return new SamplingCounts(stats.GetProperty("sampled").GetInt64(), stats.GetProperty("sent").GetInt64(), stats.GetProperty("dropped").GetInt64());
    }

    /// <summary>Waits until the host's samples are stored: nothing buffered, nothing in its sample queue (in-flight messages count there).</summary>
    private static async Task DrainAsync(BenchmarkHost host, HostProcess serving)
    {
        var queue = new QueueClient(host.Storage, SampleQueue);
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

        Console.Error.WriteLine($"The samples were not all stored within {DrainTimeout.TotalSeconds:F0} s; this measurement's CPU figures are short of the rest.");
    }

    private sealed record PinnedHost(HostProcess Runtime, int[] Processes);

    private sealed record Target(double Rate, string Url);

    private sealed record SamplingCounts(long Sampled, long Sent, long Dropped);

    private sealed record Measurement(LatencySummary Load, double ServingCpu, double StoreCpu, double AzuriteCpu, SamplingCounts Sampling);
}
