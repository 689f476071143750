using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Training.Datasets;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Benchmarks;

/// <summary>
/// What an explanation costs per row against a prediction of the same row: one host, three models (the linear
/// benchmark model, the demo FastTree model and a 4-input Sum graph neither exact method reads, so Kernel SHAP), each
/// with a training baseline written for its version 1; single-row requests one after another, measured in turns.
/// </summary>
internal static class ExplainBenchmark
{
    private const int Rounds = 3;
    private static readonly string[] NumericFeatures = ["income", "debt_ratio", "years_employed", "late_payments"];
    private static readonly long[] Open = [-1, 1];
    private const string NumericRow = """{"rows": [{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0}]}""";
    private const string DemoRow = """{"rows": [{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0, "employment": "salaried"}]}""";

    public static async Task<int> RunAsync(BenchmarkHost host, byte[] linear, int seconds, string? outFile)
    {
        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"# Explanation benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}. One row per request, one request at a time through the local Functions host; about {seconds} s per target and round, {Rounds} rounds in turns, medians of the rounds. Default settings: 200 background rows, Kernel SHAP over 32 of them with up to 512 coalitions."));
        Line();

        var demoRows = DemoData.Generate(DemoClassifier.Rows);
        (string Name, byte[] Model, string Row, bool Categorical)[] models =
        [
            ("bench-explain-linear", linear, NumericRow, false),
            ("bench-explain-tree", DemoClassifier.Train().Onnx, DemoRow, true),
            ("bench-explain-kernel", OnnxModelBuilder.Build(
                "Sum",
                [.. NumericFeatures.Select(n => (n, TensorElementType.Float, Open))],
                [("value", TensorElementType.Float, Open)]), NumericRow, false),
        ];

        await using var runtime = await host.StartAsync([]);
        var baselines = new MonitoringBaselineStore(new BlobServiceClient(host.Storage), Options.Create(new MonitoringOptions()));
        var targets = new List<(string Name, Uri Url, string Body)>();
        foreach (var (name, model, row, categorical) in models)
        {
            await RegistryRequests.RegisterAndPromoteAsync(runtime.Client, name, model, null, CancellationToken.None);
            await baselines.PutAsync(Baseline(name, demoRows, categorical), CancellationToken.None);
            string kind = name["bench-explain-".Length..];
            targets.Add(($"{kind}: /predict", new Uri(runtime.BaseAddress, $"models/{name}/predict"), row));
            targets.Add(($"{kind}: /explain", new Uri(runtime.BaseAddress, $"models/{name}/explain"), row));
        }

        using var client = new HttpClient { DefaultRequestHeaders = { { "x-functions-key", BenchmarkHost.FunctionKey } } };
        foreach (var target in targets)
        {
            // The first call loads the model and builds the explainer; warm both before measuring.
            for (int i = 0; i < 20; i++)
            {
                await CallAsync(client, target.Url, target.Body);
            }
        }

        var runs = targets.ToDictionary(t => t.Name, _ => new List<(double P50, double P99, int Count)>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var target in targets)
            {
                var latencies = new List<double>();
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    long start = Stopwatch.GetTimestamp();
                    await CallAsync(client, target.Url, target.Body);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                latencies.Sort();
                runs[target.Name].Add((LatencySummary.Percentile(latencies, 0.5), LatencySummary.Percentile(latencies, 0.99), latencies.Count));
            }
        }

        Line("| Model and path | Method | Requests measured | p50 ms per row | p99 ms per row |");
        Line("| --- | --- | ---: | ---: | ---: |");
        foreach (var target in targets)
        {
            var r = runs[target.Name];
            string method = target.Name.EndsWith("/predict", StringComparison.Ordinal) ? "(prediction)" : target.Name.Split(':')[0] switch
            {
                "linear" => "linear (exact)",
                "tree" => "tree-shap (exact)",
                _ => "kernel-shap (4 inputs: all 16 coalitions)",
            };
            Line(string.Create(CultureInfo.InvariantCulture,
                $"| {target.Name} | {method} | {r.Sum(x => x.Count)} | {Median(r.Select(x => x.P50)):F2} | {Median(r.Select(x => x.P99)):F2} |"));
        }

        Line();
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static async Task CallAsync(HttpClient client, Uri url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(url, content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static double Median(IEnumerable<double> values) => LatencySummary.Percentile([.. values.Order()], 0.5);

    // What the retraining line's evaluate step would record: per-feature reference values and category shares.
    private static MonitoringBaseline Baseline(string model, IReadOnlyList<LoanRow> rows, bool categorical)
    {
        var numeric = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal)
        {
            ["income"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.Income)),
            ["debt_ratio"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.DebtRatio)),
            ["years_employed"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.YearsEmployed)),
            ["late_payments"] = MonitoringBaseline.Reference(rows.Select(r => (double)r.LatePayments)),
        };
        var features = numeric.Select(kv => new FeatureBaseline(kv.Key, "numeric", 0, kv.Value.Average())).ToList();
        if (categorical)
        {
            features.Add(new FeatureBaseline("employment", "categorical", 0, Frequencies: rows.GroupBy(r => r.Employment).ToDictionary(g => g.Key, g => (double)g.Count() / rows.Count)));
        }

        return new MonitoringBaseline(model, 1, "binary", "benchmark: generated demo applications", features, null, DateTimeOffset.UtcNow, numeric);
    }
}
