using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// The retraining line on UCI Adult, end to end through the local host (snapshot, train, evaluate, gates, promote;
/// automatic approval): time per step and the orchestration's own overhead, against the same activities run one after
/// another in this process with no orchestration (the baseline, measured in the same run); then 20 specs at once.
/// </summary>
internal static class RetrainingBenchmark
{
    private const int Runs = 3;
    private const int Concurrent = 20;

    private static readonly string[] Steps = ["snapshot", "train", "evaluate", "gates", "promote"];

    public static async Task<int> RunAsync(BenchmarkHost host, string adultFolder, string? outFile)
    {
        string train = Path.Combine(adultFolder, "adult-train.csv");
        if (!File.Exists(train))
        {
            Console.Error.WriteLine($"The retraining benchmark reads UCI Adult from {adultFolder} (pass --adult FOLDER); it is not there.");
            return 2;
        }

        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        // Each run reads the same bytes from its own path: a snapshot is per source, so every run parses and profiles
        // the data afresh (the bytes are stored once, content-addressed).
        var container = new BlobContainerClient(host.Storage, "training-data");
        await container.CreateIfNotExistsAsync();
        string suffix = Guid.NewGuid().ToString("N")[..6];
        int source = 0;
        async Task<string> FreshSourceAsync()
        {
            string path = $"bench/{suffix}/{source++}/adult-train.csv";
            await container.GetBlobClient(path).UploadAsync(train);
            return "training-data/" + path;
        }

        string spec = Spec(await FreshSourceAsync());

        Line(string.Create(CultureInfo.InvariantCulture, $"# Retraining benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}. Data: UCI Adult train (32,561 rows, 14 features), FastTree, automatic approval; medians of {Runs} runs."));
        Line();

        await using var runtime = await host.StartAsync(new Dictionary<string, string>
        {
            ["Retraining__ScheduleCheck"] = "0 0 0 1 1 *",
            ["Retraining__Queue"] = "bench-retrain-" + Guid.NewGuid().ToString("N")[..8],
        });

        // Baseline: the same activities, called one after another in this process.
        string inProcessModel = $"bench-adult-inproc-{suffix}";
        await PutSpecAsync(runtime.Client, inProcessModel, spec);
        var baseline = new List<Dictionary<string, double>>();
        await using (var services = Services(host.Storage))
        {
            var steps = services.GetRequiredService<RetrainingActivities>();
            for (int i = 0; i < Runs; i++)
            {
                baseline.Add(await RunInProcessAsync(steps, inProcessModel, $"bench-inproc-{suffix}-{i}", await FreshSourceAsync()));
            }
        }

        // The line: POST /models/{name}/retrain and its status until the outcome.
        string model = $"bench-adult-{suffix}";
        await PutSpecAsync(runtime.Client, model, spec);
        var orchestrated = new List<(Dictionary<string, double> Steps, double Total, double Observed)>();
        for (int i = 0; i < Runs; i++)
        {
            orchestrated.Add(await RunOrchestratedAsync(runtime, model, await FreshSourceAsync()));
        }

        Line("| step | in process (s) | in the orchestration (s) |");
        Line("|---|---|---|");
        foreach (string step in Steps)
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"| {step} | {Median(baseline.Select(b => b[step])):F2} | {Median(orchestrated.Select(o => o.Steps.GetValueOrDefault(step))):F2} |"));
        }

        double activities = Median(baseline.Select(b => b.Values.Sum()));
        double total = Median(orchestrated.Select(o => o.Total));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"| **end to end** | {activities:F2} (sum of activities) | {total:F2} (start to completion; {Median(orchestrated.Select(o => o.Observed)):F2} as the caller saw it) |"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Orchestration overhead (end to end minus the activities run in process): {total - activities:F2} s; end to end / activities = {total / activities:F2}x."));
        Line();

        // 20 specs retrained at once.
        var names = Enumerable.Range(0, Concurrent).Select(i => $"bench-many-{suffix}-{i:D2}").ToList();
        foreach (string name in names)
        {
            await PutSpecAsync(runtime.Client, name, spec);
        }

        var sources = new List<string>();
        foreach (string _ in names)
        {
            sources.Add(await FreshSourceAsync());
        }

        var clock = Stopwatch.StartNew();
        var many = await Task.WhenAll(names.Select((name, i) => RunOrchestratedAsync(runtime, name, sources[i])));
        double wall = clock.Elapsed.TotalSeconds;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"{Concurrent} specs retrained at once: all promoted in {wall:F1} s wall ({Concurrent / wall * 60:F1} retrainings a minute); per retraining median {Median(many.Select(m => m.Total)):F1} s, slowest {many.Max(m => m.Total):F1} s; one alone {total:F1} s."));

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static async Task<Dictionary<string, double>> RunInProcessAsync(RetrainingActivities activities, string model, string instanceId, string data)
    {
        var times = new Dictionary<string, double>();
        async Task<T> Time<T>(string step, Func<Task<T>> action)
        {
            var clock = Stopwatch.StartNew();
            var result = await action();
            times[step] = clock.Elapsed.TotalSeconds;
            return result;
        }

        var run = new RetrainingStepInput(instanceId, new RetrainingInput(model, 1, data, null, "benchmark", "benchmark", null, null));
        var dataset = await Time("snapshot", () => activities.SnapshotAsync(run, CancellationToken.None));
        run = run with { Dataset = dataset };
        var candidate = await Time("train", () => activities.TrainAsync(run, CancellationToken.None));
        run = run with { CandidateVersion = candidate.Version };
        var evaluation = await Time("evaluate", () => activities.EvaluateAsync(run, CancellationToken.None));
        var gates = await Time("gates", () => activities.ApplyGatesAsync(new GateStepInput(run, evaluation), CancellationToken.None));
        if (!gates.Passed)
        {
            throw new InvalidOperationException("The benchmark's candidate failed its gates: " + string.Join(" ", gates.Failures));
        }

        await Time("promote", () => activities.PromoteAsync(run, CancellationToken.None));
        return times;
    }

    private static async Task<(Dictionary<string, double> Steps, double Total, double Observed)> RunOrchestratedAsync(HostProcess runtime, string model, string data)
    {
        var clock = Stopwatch.StartNew();
        using var started = await runtime.Client.PostAsJsonAsync(new Uri($"models/{model}/retrain", UriKind.Relative), new { data });
        started.EnsureSuccessStatusCode();
        string statusUrl = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!.TrimStart('/');
        while (true)
        {
            var status = await runtime.Client.GetFromJsonAsync<JsonElement>(new Uri(statusUrl, UriKind.Relative));
            if (status.GetProperty("outcome").GetString() is { } outcome && status.GetProperty("runtimeStatus").GetString() == "Completed")
            {
                double observed = clock.Elapsed.TotalSeconds;
                if (outcome != "promoted")
                {
                    throw new InvalidOperationException($"Retraining of {model} ended {outcome}: {status.GetProperty("reason")}");
                }

                var steps = status.GetProperty("steps").EnumerateArray().ToDictionary(
                    s => s.GetProperty("name").GetString()!,
                    s => (s.GetProperty("endedAt").GetDateTimeOffset() - s.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds);
                double total = (status.GetProperty("lastUpdatedAt").GetDateTimeOffset() - status.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
                return (steps, total, observed);
            }

            await Task.Delay(50);
        }
    }

    private static ServiceProvider Services(string storage)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddServerlessCore(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task PutSpecAsync(HttpClient client, string model, string spec)
    {
        using var content = new StringContent(spec, Encoding.UTF8, "application/json");
        using var response = await client.PutAsync(new Uri($"specs/{model}", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT /specs/{model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // Fairness is measured and reported but waived (Adult's labels are skewed by sex); every run may replace the last.
    private static string Spec(string source)
    {
        var spec = AdultSpec.Create(source);
        spec["gates"]!["maxRegression"] = new JsonObject { ["auc"] = 1.0 };
        spec["gates"]!["fairness"] = new JsonObject { ["minDisparateImpact"] = 0.0, ["maxEqualOpportunityDifference"] = 1.0 };
        return spec.ToJsonString();
    }
}
