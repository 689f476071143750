using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Benchmarks;
using Serverless.Core.Serving;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;

// Usage (tools/bench does this): Serverless.Benchmarks --storage CONNECTION --runtime Serverless.LocalRuntime.dll
//        --app FUNCTIONS_APP_OUTPUT_FOLDER [--settings local.settings.sample.json] [--duration SECONDS] [--models COUNT]
//        [--scenario serving|retraining|sampling|evaluation|explain|batch] [--adult ../shared/data/adult]
//        batch: [--rows 1000000 (generated file)] [--messages 2000 (event scoring)]
//        evaluation: [--models 1000] [--samples 200 (per window)] [--features 10 (one in five categorical)]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

if (!options.TryGetValue("storage", out string? storage) || !options.TryGetValue("runtime", out string? runtimeDll) || !options.TryGetValue("app", out string? appFolder))
{
    Console.Error.WriteLine("Usage: Serverless.Benchmarks --storage CONNECTION --runtime PATH/Serverless.LocalRuntime.dll --app PATH/Serverless.Functions/bin/Release/net10.0 [--duration 10] [--models 1000]");
    return 2;
}

var host = new BenchmarkHost(storage, runtimeDll, appFolder, options.GetValueOrDefault("settings"));
if (options.GetValueOrDefault("scenario") == "retraining")
{
    return await RetrainingBenchmark.RunAsync(host, options.GetValueOrDefault("adult", "../shared/data/adult"), options.GetValueOrDefault("out"));
}

if (options.GetValueOrDefault("scenario") == "evaluation")
{
    return await EvaluationBenchmark.RunAsync(
        storage,
        int.Parse(options.GetValueOrDefault("models", "1000"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("samples", "200"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("features", "10"), CultureInfo.InvariantCulture),
        options.GetValueOrDefault("out"));
}

int seconds = int.Parse(options.GetValueOrDefault("duration", "10"), CultureInfo.InvariantCulture);
int modelCount = int.Parse(options.GetValueOrDefault("models", "1000"), CultureInfo.InvariantCulture);
int[] connections = [1, 16, 64];
var report = new StringBuilder();
void Line(string text = "")
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

const string SingleRowInfer =
    """{"inputs": [{"name": "income", "shape": [1, 1], "datatype": "FP32", "data": [85]}, {"name": "debt_ratio", "shape": [1, 1], "datatype": "FP32", "data": [0.2]}, {"name": "years_employed", "shape": [1, 1], "datatype": "FP32", "data": [6]}, {"name": "late_payments", "shape": [1, 1], "datatype": "FP32", "data": [0]}], "outputs": [{"name": "PredictedLabel.output"}, {"name": "Probability.output"}]}""";
const string SingleRowPredict = """{"rows": [{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0}]}""";

byte[] model = BenchmarkModel.Train();
if (options.GetValueOrDefault("scenario") == "explain")
{
    return await ExplainBenchmark.RunAsync(host, model, seconds, options.GetValueOrDefault("out"));
}

if (options.GetValueOrDefault("scenario") == "batch")
{
    return await BatchBenchmark.RunAsync(
        host,
        model,
        options.GetValueOrDefault("adult", "../shared/data/adult"),
        int.Parse(options.GetValueOrDefault("rows", "1000000"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("messages", "2000"), CultureInfo.InvariantCulture),
        options.GetValueOrDefault("out"));
}

if (options.GetValueOrDefault("scenario") == "sampling")
{
    return await SamplingBenchmark.RunAsync(host, model, SingleRowPredict, seconds, options.GetValueOrDefault("out"));
}

Line(string.Create(CultureInfo.InvariantCulture, $"# Serving benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
Line();
Line(string.Create(CultureInfo.InvariantCulture,
    $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; wrk shares the cores with the server. Model: a linear classifier of the demo applications ({model.Length} bytes ONNX, 4 FP32 inputs), one row per request; {seconds} s per measurement."));
Line();

// (a) in process; then (b) and (c) on the same model and single-row request, measured in turns (every target at every
// connection count, three rounds) so that drift on the machine falls on all of them alike; each figure is the median
// of its three runs.
const int Rounds = 3;
var results = new List<LatencySummary>
{
    InProcessBenchmark.Run(model, 1, seconds),
    InProcessBenchmark.Run(model, Environment.ProcessorCount, seconds),
};
var inProcess = new List<LatencySummary>();
var handWritten = await HandWrittenServer.StartAsync(model);
string handUrl = handWritten.Urls.First() + "/v2/models/demo/infer";

var registryModels = new List<string>();
await using (var runtime = await StartHostAsync(new Dictionary<string, string>()))
{
    await RegistryRequests.RegisterAndPromoteAsync(runtime.Client, "bench-demo", model, null, CancellationToken.None);

    // The app's own cost, without HTTP: the platform's /infer pipeline in process against the hand-written endpoint's
    // per-request work, same body, in turns (three rounds), medians.
    // Sampling off: in process no shipper drains the sample buffer, so sampled requests would be measured on its
    // full-buffer path (the sampling scenario measures sampling as the worker runs it).
    int inProcessSeconds = Math.Min(seconds, 5);
    byte[] inferBody = Encoding.UTF8.GetBytes(SingleRowInfer);
    using (var unsampled = InProcessBenchmark.Services(storage, options.GetValueOrDefault("settings"), "0"))
    {
        var pipelineRuns = new List<LatencySummary>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (int threads in (int[])[1, Environment.ProcessorCount])
            {
                pipelineRuns.Add(InProcessBenchmark.RunHandWritten(model, inferBody, threads, inProcessSeconds));
                pipelineRuns.Add(InProcessBenchmark.RunPlatform("Platform /infer pipeline in process, sampling off", unsampled.GetRequiredService<InferenceService>(), "bench-demo", inferBody, threads, inProcessSeconds));
            }
        }

        foreach (var group in pipelineRuns.GroupBy(r => (r.Name, r.Connections)))
        {
            inProcess.Add(LatencySummary.Median([.. group]));
        }
    }

    (string Name, string Url, string Body)[] targets =
    [
        ("Hand-written ASP.NET Core endpoint", handUrl, SingleRowInfer),
        ("Platform /v2/models/{name}/infer (host -> worker)", new Uri(runtime.BaseAddress, "v2/models/bench-demo/infer").ToString(), SingleRowInfer),
        ("Platform /models/{name}/predict (host -> worker)", new Uri(runtime.BaseAddress, "models/bench-demo/predict").ToString(), SingleRowPredict),
        // The same path with no model work: what the host hop and the worker's invocation pipeline cost per request.
        ("Platform /v2/health/live (host -> worker, no model)", new Uri(runtime.BaseAddress, "v2/health/live").ToString(), string.Empty),
    ];
    foreach (var target in targets)
    {
        await Warm(new Uri(target.Url), target.Body);
    }

    var runs = new List<LatencySummary>();
    for (int round = 0; round < Rounds; round++)
    {
        foreach (int c in connections)
        {
            foreach (var target in targets)
            {
                runs.Add(await Wrk.RunAsync(target.Name, target.Url, Script(target.Body), c, seconds));
            }
        }
    }

    await handWritten.StopAsync();
    foreach (var target in targets)
    {
        foreach (int c in connections)
        {
            results.Add(LatencySummary.Median(runs.Where(r => r.Name == target.Name && r.Connections == c).ToList()));
        }
    }

    Line("## Throughput and latency");
    Line();
    Line("| Target | Connections (threads in process) | Requests/s | p50 ms | p99 ms | Errors |");
    Line("| --- | ---: | ---: | ---: | ---: | ---: |");
    results.ForEach(r => Line(r.ToRow()));
    Line();
    double Rps(string prefix, int c) => results.First(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Connections == c).RequestsPerSecond;
    double ratio = Rps("Platform /v2", 64) / Rps("Hand-written", 64);
    double p99At16 = results.First(r => r.Name.StartsWith("Platform /v2", StringComparison.Ordinal) && r.Connections == 16).P99Ms;
    double handP99At16 = results.First(r => r.Name.StartsWith("Hand-written", StringComparison.Ordinal) && r.Connections == 16).P99Ms;
    Line(string.Create(CultureInfo.InvariantCulture, $"- /infer vs hand-written at 64 connections: {ratio:F2}x (target >= 1.1x: {(ratio >= 1.1 ? "met" : "NOT met")}); the no-model path through host and worker: {Rps("Platform /v2/health", 64) / Rps("Hand-written", 64):F2}x"));
    Line(string.Create(CultureInfo.InvariantCulture, $"- /infer p99 at 16 connections: {p99At16:F2} ms against the hand-written endpoint's {handP99At16:F2} ms (target: no worse: {(p99At16 <= handP99At16 ? "met" : "NOT met")})"));
    Line(string.Create(CultureInfo.InvariantCulture, $"- /predict vs /infer at 64 connections: {Rps("Platform /models", 64) / Rps("Platform /v2", 64):F2}x"));
    double Median(string prefix, int c) => results.First(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Connections == c).P50Ms;
    Line(string.Create(CultureInfo.InvariantCulture,
        $"- per-request cost of the host hop and the worker pipeline (/v2/health/live, no model) at 1 connection: p50 {Median("Platform /v2/health", 1):F2} ms, against /infer's {Median("Platform /v2/models", 1):F2} ms and the hand-written endpoint's {Median("Hand-written", 1):F2} ms"));
    Line();

    Line("## The app's own cost, without HTTP");
    Line();
    Line(string.Create(CultureInfo.InvariantCulture,
        $"The platform's /infer pipeline called in process (InferenceService: alias, cache lease, decode, run, encode with a prediction id, metrics) against the hand-written endpoint's per-request work (bind the body to records, run, serialise the answer), same body, {inProcessSeconds} s per measurement, in turns, median of {Rounds} rounds."));
    Line();
    Line("| Target | Threads | Requests/s | p50 ms | p99 ms | Errors |");
    Line("| --- | ---: | ---: | ---: | ---: | ---: |");
    inProcess.ForEach(r => Line(r.ToRow()));
    Line();
    foreach (int threads in (int[])[1, Environment.ProcessorCount])
    {
        double Own(string prefix) => inProcess.First(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Connections == threads).RequestsPerSecond;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"- app-level ratio, {threads} thread(s): platform pipeline / hand-written work = {Own("Platform /infer pipeline") / Own("Hand-written"):F2}x (target >= 1.1x: {(Own("Platform /infer pipeline") / Own("Hand-written") >= 1.1 ? "met" : "NOT met")})"));
    }

    Line();

    // Memory per loaded model: 50 distinct copies loaded through the ready endpoint.
    const int Loaded = 50;
    for (int i = 0; i < modelCount; i++)
    {
        string name = $"bench-zipf-{i:D4}";
        await RegistryRequests.RegisterAndPromoteAsync(runtime.Client, name, ModelVariants.Create(model, i), null, CancellationToken.None);
        registryModels.Add(name);
    }

    int worker = await runtime.WorkerProcessIdAsync() ?? throw new InvalidOperationException("The host reports no worker.");
    var before = HostProcess.Memory(worker);
    foreach (string name in registryModels.Take(Loaded))
    {
        (await runtime.Client.GetAsync($"v2/models/{name}/ready")).EnsureSuccessStatusCode();
    }

    var after = HostProcess.Memory(worker);
    var statistics = await runtime.Client.GetFromJsonAsync<JsonElement>("serving/cache");
    Line("## Memory per loaded model");
    Line();
    Line(string.Create(CultureInfo.InvariantCulture,
        $"{Loaded} distinct copies of the demo model loaded: the worker's resident memory {before.RssMiB:F1} -> {after.RssMiB:F1} MiB, {(after.RssMiB - before.RssMiB) * 1024 / Loaded:F0} KiB per model (cache holds {statistics.GetProperty("loadedModels").GetInt32()} models, {statistics.GetProperty("loadedBytes").GetInt64()} artifact bytes)."));
    Line();

    Line($"## {modelCount} registered models, Zipf-distributed traffic");
    Line();
    Line("Requests pick model rank r with probability proportional to 1/r (Zipf, s = 1), 16 connections, /predict, one row.");
    Line();
    Line("| Cache bounds | Requests/s | p50 ms | p99 ms | Errors | Hit rate | Loads | Models loaded at end | Resident MiB at end | Peak resident MiB |");
    Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    Line(await Zipf(runtime, "256 models, 1 GiB (defaults)"));
}

// The same traffic on a fresh instance whose bounds hold every model: the memory of a working set that all fits.
await using (var roomy = await StartHostAsync(new Dictionary<string, string> { ["Serving__MaxLoadedModels"] = "100000" }))
{
    await Warm(new Uri(roomy.BaseAddress, "models/bench-demo/predict"), SingleRowPredict);
    Line(await Zipf(roomy, $"{modelCount} models (all fit)"));
    Line();
}

// Cold load: a runtime that unloads after 1 s idle and has its own empty disk cache.
string coldCache = Path.Combine(Path.GetTempPath(), "bench-cold-" + Guid.NewGuid().ToString("N"));
await using (var cold = await StartHostAsync(new Dictionary<string, string>
{
    ["Serving__IdleUnloadAfter"] = "00:00:01",
    ["Serving__CacheDirectory"] = coldCache,
}))
{
    var fromBlob = new List<double>();
    foreach (string name in registryModels.Skip(registryModels.Count - 15))
    {
        fromBlob.Add(await TimeRequest(cold.Client, $"models/{name}/predict", SingleRowPredict));
    }

    var fromDisk = new List<double>();
    var warm = new List<double>();
    for (int i = 0; i < 15; i++)
    {
        while ((await cold.Client.GetFromJsonAsync<JsonElement>("serving/cache")).GetProperty("loadedModels").GetInt32() > 0)
        {
            await Task.Delay(100);
        }

        fromDisk.Add(await TimeRequest(cold.Client, "models/bench-demo/predict", SingleRowPredict));
        warm.Add(await TimeRequest(cold.Client, "models/bench-demo/predict", SingleRowPredict));
    }

    fromBlob.Sort();
    fromDisk.Sort();
    warm.Sort();
    Line("## Cold load (first request after unload)");
    Line();
    Line("| Case | Median ms | p90 ms | Max ms |");
    Line("| --- | ---: | ---: | ---: |");
    foreach (var (label, samples) in new[] { ("First load of a model: download from Blob (Azurite), verify, create session, predict", fromBlob), ("Reload after idle unload: local disk copy, verify, create session, predict", fromDisk), ("Warm request right after, for comparison", warm) })
    {
        Line(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {LatencySummary.Percentile(samples, 0.5):F2} | {LatencySummary.Percentile(samples, 0.9):F2} | {samples[^1]:F2} |"));
    }

    Line();
    double coldMedian = LatencySummary.Percentile(fromDisk, 0.5);
    Line(string.Create(CultureInfo.InvariantCulture, $"- cold load after unload, median: {coldMedian:F1} ms (target < 100 ms: {(coldMedian < 100 ? "met" : "NOT met")})"));
}

Directory.Delete(coldCache, recursive: true);
if (options.TryGetValue("out", out string? outFile))
{
    await File.WriteAllTextAsync(outFile, report.ToString());
}

return 0;

// A request that must succeed, then load for a few seconds so that every measurement runs on tiered-up JIT code.
static async Task Warm(Uri url, string body)
{
    using var client = new HttpClient { DefaultRequestHeaders = { { "x-functions-key", BenchmarkHost.FunctionKey } } };
    using var response = body.Length == 0 ? await client.GetAsync(url) : await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
    response.EnsureSuccessStatusCode();
    await Wrk.RunAsync("warm-up", url.ToString(), Script(body), 16, 5);
}

// No body means a GET.
static string Script(string body) => body.Length == 0 ? Wrk.GetScript() : Wrk.PostScript(body);

static async Task<double> TimeRequest(HttpClient client, string path, string body)
{
    long start = Stopwatch.GetTimestamp();
    using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
    await response.Content.ReadAsByteArrayAsync();
    double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    response.EnsureSuccessStatusCode();
    return elapsed;
}

Task<HostProcess> StartHostAsync(Dictionary<string, string> settings) => host.StartAsync(settings);

async Task<string> Zipf(HostProcess runtime, string bounds)
{
    var before = await runtime.Client.GetFromJsonAsync<JsonElement>("serving/cache");
    var zipf = await Wrk.RunAsync("zipf", runtime.BaseAddress.ToString(), ZipfScript(registryModels, SingleRowPredict), 16, seconds * 2);
    var after = await runtime.Client.GetFromJsonAsync<JsonElement>("serving/cache");
    long Delta(string property) => after.GetProperty(property).GetInt64() - before.GetProperty(property).GetInt64();
    var memory = HostProcess.Memory(await runtime.WorkerProcessIdAsync() ?? 0);
    return string.Create(CultureInfo.InvariantCulture,
        $"| {bounds} | {zipf.RequestsPerSecond:F0} | {zipf.P50Ms:F2} | {zipf.P99Ms:F2} | {zipf.Errors} | {(double)Delta("hits") / (Delta("hits") + Delta("misses")):P1} | {Delta("loads")} | {after.GetProperty("loadedModels").GetInt32()} | {memory.RssMiB:F0} | {memory.PeakMiB:F0} |");
}

static string ZipfScript(List<string> names, string body)
{
    // Rank r is drawn with probability proportional to 1/r; the cumulative table is searched per request.
    var script = new StringBuilder();
    script.AppendLine("wrk.method = \"POST\"");
    script.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
    script.AppendLine($"wrk.headers[\"x-functions-key\"] = \"{BenchmarkHost.FunctionKey}\"");
    script.Append("local body = [==[").Append(body).AppendLine("]==]");
    script.AppendLine("local names = {" + string.Join(",", names.Select(n => $"\"{n}\"")) + "}");
    script.AppendLine("""
        local cdf, total = {}, 0
        for r = 1, #names do total = total + 1 / r; cdf[r] = total end
        for r = 1, #names do cdf[r] = cdf[r] / total end
        math.randomseed(os.time() + math.floor(os.clock() * 1000000))
        request = function()
          local u, lo, hi = math.random(), 1, #names
          while lo < hi do
            local mid = math.floor((lo + hi) / 2)
            if cdf[mid] < u then lo = mid + 1 else hi = mid end
          end
          return wrk.format("POST", "/models/" .. names[lo] .. "/predict", nil, body)
        end
        """);
    return script.ToString();
}
