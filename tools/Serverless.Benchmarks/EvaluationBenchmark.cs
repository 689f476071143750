using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Training;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;

namespace Serverless.Benchmarks;

/// <summary>
/// Monitoring's window evaluation on Azurite: N models, each with a version-1 baseline and one closed window of samples
/// of a binary classifier, evaluated by <see cref="MonitoringEvaluator.EvaluateDueAsync"/> at concurrency 1 and 8 on
/// the same samples (each pass with its own evaluation table, so each evaluates every window afresh); per model-window
/// durations from the evaluator's own histogram; and the pure window evaluation alone on the same windows, so that the
/// storage share shows. Nothing is registered in the registry and no model has a spec: the settings apply.
/// </summary>
internal static class EvaluationBenchmark
{
    private const string DurationInstrument = "serverless.monitoring.evaluation.duration";
    private const string AlertInstrument = "serverless.monitoring.alerts";
    private const int BreakdownWindows = 100;
    private const int TrainingRows = 2000;
    private const int CpuWindows = 1000;
    private const int WarmUpWindows = 50;
    private const int SetupConcurrency = 8;

    // One model in ten gets drifted inputs, so that alerts (table rows, queue messages) and the guardrail's registry
    // lookup are part of the work measured, as they would be in a fleet.
    private const int DriftEvery = 10;
    private static readonly string[] Categories = ["a", "b", "c", "d", "e", "f"];
    private static readonly double[] CategoryWeights = [6 / 21.0, 5 / 21.0, 4 / 21.0, 3 / 21.0, 2 / 21.0, 1 / 21.0];
    private static readonly int[] Concurrencies = [1, 8];

    public static async Task<int> RunAsync(string storage, int models, int samplesPerWindow, int features, string? outFile)
    {
        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        var shape = new Shape(features - (features / 5), features / 5);
        string run = Guid.NewGuid().ToString("N")[..8];
        string Name(int index) => string.Create(CultureInfo.InvariantCulture, $"bench-eval-{run}-{index:D5}");
        int pass = 0;
        ServiceProvider Services(int concurrency) => Build(storage, run, $"benchmon{run}p{pass++}", concurrency);

        Line(string.Create(CultureInfo.InvariantCulture, $"# Evaluation benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; Azurite on the same cores. {models} models, one closed 5-minute window each of {samplesPerWindow} samples, {shape.Numeric} numeric + {shape.Categorical} categorical features, binary classifier outputs; one model in {DriftEvery} with drifted inputs."));
        Line();

        // Durations and alerts as the evaluator records them, per pass.
        var gate = new Lock();
        List<double>? durations = null;
        var alertKinds = new Dictionary<(bool Drifted, string Kind), int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MonitoringEvaluator.MeterName && instrument.Name is DurationInstrument or AlertInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (gate)
            {
                durations?.Add(seconds * 1000);
            }
        });
        listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            string? model = null, kind = null;
            foreach (var tag in tags)
            {
                model = tag.Key == "model" ? tag.Value as string : model;
                kind = tag.Key == "kind" ? tag.Value as string : kind;
            }

            lock (gate)
            {
                if (durations is not null && model is not null && kind is not null)
                {
                    var key = (int.Parse(model[(model.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture) % DriftEvery == 0, kind);
                    alertKinds[key] = alertKinds.GetValueOrDefault(key) + (int)count;
                }
            }
        });
        listener.Start();

        // Setup: baselines and samples once; each pass marks its windows pending in its own table.
        DateTimeOffset start;
        double baselineSeconds, sampleSeconds;
        var all = Enumerable.Range(0, models).ToList();
        await using (var setup = Services(1))
        {
            var samples = setup.GetRequiredService<SampleStore>();
            start = samples.WindowStart(DateTimeOffset.UtcNow - TimeSpan.FromHours(1));
            var baselines = setup.GetRequiredService<MonitoringBaselineStore>();
            baselineSeconds = await TimeAsync(() => ForEachAsync(all, (i, ct) => new ValueTask(baselines.PutAsync(Baseline(Name(i), i, shape), ct))));
            sampleSeconds = await TimeAsync(() => ForEachAsync(all, async (i, ct) => await samples.StoreAsync(Samples(Name(i), i, shape, start, samplesPerWindow), "bench", ct)));
        }

        double markSeconds = 0;
        async Task<Pass> MeasureAsync(string label, int concurrency, int count, bool cachedBaselines)
        {
            await using var services = Services(concurrency);
            var store = services.GetRequiredService<MonitoringStore>();
            var windows = Enumerable.Range(0, count).Select(i => new SampleWindow(Name(i), start)).ToList();
            markSeconds = await TimeAsync(() => ForEachAsync(windows.Chunk(50).ToList(), (chunk, ct) => new ValueTask(store.MarkPendingAsync(chunk, ct))));
            if (cachedBaselines)
            {
                // What a long-lived instance holds after its first run: every baseline read once and cached.
                var baselines = services.GetRequiredService<MonitoringBaselineStore>();
                await ForEachAsync(Enumerable.Range(0, count).ToList(), async (i, ct) => await baselines.FindAsync(Name(i), 1, ct));
            }

            var evaluator = services.GetRequiredService<MonitoringEvaluator>();
            lock (gate)
            {
                durations = [];
                alertKinds.Clear();
            }

            EvaluationRun? result = null;
            double seconds = await TimeAsync(async () => result = await evaluator.EvaluateDueAsync(CancellationToken.None));
            List<double> measured;
            lock (gate)
            {
                measured = [.. durations.Order()];
                durations = null;
            }

            if (result!.Evaluated != count || result.Failed != 0)
            {
                throw new InvalidOperationException($"{label}: {result.Evaluated} of {count} windows evaluated, {result.Failed} failed, {result.Skipped} skipped.");
            }

            return new Pass(label, concurrency, count, seconds, measured, result.Alerts);
        }

        // A short pass first, so that the measured ones run on tiered-up code and warm connections.
        await MeasureAsync("warm-up", 8, Math.Min(WarmUpWindows, models), cachedBaselines: false);
        var passes = new List<Pass>();
        foreach (int concurrency in Concurrencies)
        {
            passes.Add(await MeasureAsync($"concurrency {concurrency}, baselines read from Blob", concurrency, models, cachedBaselines: false));
        }

        passes.Add(await MeasureAsync("concurrency 8, baselines cached", 8, models, cachedBaselines: true));

        // Where a window's time goes: the read steps alone, one after another, on a fresh instance (nothing cached).
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        await using (var services = Services(1))
        {
            var specs = services.GetRequiredService<SpecStore>();
            var samples = services.GetRequiredService<SampleStore>();
            var baselines = services.GetRequiredService<MonitoringBaselineStore>();
            var store = services.GetRequiredService<MonitoringStore>();
            await store.ListPendingAsync(CancellationToken.None);
            async Task StepAsync(string step, Func<Task> action) =>
                (steps.TryGetValue(step, out var list) ? list : steps[step] = []).Add(await TimeAsync(action) * 1000);
            for (int i = 0; i < Math.Min(models, BreakdownWindows); i++)
            {
                string model = Name(i);
                await StepAsync("spec (`SpecStore.GetAsync`, none there)", async () =>
                {
                    try
                    {
                        await specs.GetAsync(model, null, CancellationToken.None);
                    }
                    catch (SpecNotFoundException)
                    {
                    }
                });
                await StepAsync("samples (`SampleStore.ReadWindowAsync`, one partition query)", () => samples.ReadWindowAsync(model, start, CancellationToken.None));
                await StepAsync("baseline (`MonitoringBaselineStore.FindAsync`, list + download)", () => baselines.FindAsync(model, 1, CancellationToken.None));
                await StepAsync("history (`MonitoringStore.HistoryAsync`)", () => store.HistoryAsync(model, start, 24, CancellationToken.None));
            }
        }

        var (cpu, undrifted) = EvaluateInMemory(Name, shape, start, samplesPerWindow, Math.Min(models, CpuWindows));

        Line("## Setup");
        Line();
        Line("| step | s |");
        Line("|---|---:|");
        Line(string.Create(CultureInfo.InvariantCulture, $"| {models} baselines written (one blob each) | {baselineSeconds:F1} |"));
        Line(string.Create(CultureInfo.InvariantCulture, $"| {models} windows of samples stored (`SampleStore.StoreAsync`: table transactions of 100 rows and one Parquet blob per window) | {sampleSeconds:F1} |"));
        Line(string.Create(CultureInfo.InvariantCulture, $"| {models} windows marked pending (`MonitoringStore.MarkPendingAsync`, last pass) | {markSeconds:F1} |"));
        Line(string.Create(CultureInfo.InvariantCulture, $"| **total** (setup concurrency {SetupConcurrency}) | {baselineSeconds + sampleSeconds + markSeconds:F1} |"));
        Line();
        Line("## Evaluation (`MonitoringEvaluator.EvaluateDueAsync`)");
        Line();
        Line("| pass | windows | total s | windows/s | per window p50 ms | per window p99 ms | alerts |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in passes)
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Label} | {p.Windows} | {p.Seconds:F1} | {p.Windows / p.Seconds:F1} | {LatencySummary.Percentile(p.DurationsMs, 0.5):F1} | {LatencySummary.Percentile(p.DurationsMs, 0.99):F1} | {p.Alerts} |"));
        }

        Line(string.Create(CultureInfo.InvariantCulture,
            $"| pure window evaluation (`WindowEvaluator.Evaluate`, in memory, one thread) | {cpu.Count} | {cpu.Sum() / 1000:F2} | {cpu.Count / (cpu.Sum() / 1000):F0} | {LatencySummary.Percentile(cpu, 0.5):F2} | {LatencySummary.Percentile(cpu, 0.99):F2} | |"));
        Line();
        Line("Alerts per pass: " + string.Join("; ", alertKinds.OrderBy(k => k.Key.Kind, StringComparer.Ordinal).ThenBy(k => k.Key.Drifted)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Value} {k.Key.Kind} on {(k.Key.Drifted ? "drifted" : "undrifted")} models"))) + ".");
        Line();

        // Samples drawn from the baseline's own distribution: every drift finding on them is a false alarm.
        var results = undrifted.SelectMany(e => e.Versions).SelectMany(v =>
            v.DataDrift.Select(d => (What: (d.Feature.StartsWith('c') ? "categorical feature " : "numeric feature ") + d.Test, d.Drifted))
                .Concat(v.PredictionDrift.Select(d => (What: "prediction " + d.Test, d.Drifted)))).ToList();
        Line(string.Create(CultureInfo.InvariantCulture, $"Drift findings on the {undrifted.Count} undrifted windows of the in-memory pass (samples drawn from the baseline's own distribution, so each is a false alarm): ")
            + string.Join("; ", results.GroupBy(r => r.What, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count(r => r.Drifted)} of {g.Count()} ({g.Count(r => r.Drifted) / (double)g.Count():P1})")))
            + string.Create(CultureInfo.InvariantCulture, $"; windows breached: {undrifted.Count(e => e.Versions.Any(v => v.Breached))} of {undrifted.Count}."));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Read steps of a window alone, one after another on a fresh instance, {Math.Min(models, BreakdownWindows)} windows:"));
        Line();
        Line("| step | p50 ms | p99 ms |");
        Line("|---|---:|---:|");
        foreach (var (step, times) in steps)
        {
            times.Sort();
            Line(string.Create(CultureInfo.InvariantCulture, $"| {step} | {LatencySummary.Percentile(times, 0.5):F1} | {LatencySummary.Percentile(times, 0.99):F1} |"));
        }

        Line();
        var serial = passes[0];
        var parallel = passes[1];
        var cached = passes[2];
        double cpuMedian = LatencySummary.Percentile(cpu, 0.5);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"- concurrency 8 against 1 (same run, same samples): {serial.Seconds / parallel.Seconds:F2}x the windows/s; per window p50 {LatencySummary.Percentile(parallel.DurationsMs, 0.5) / LatencySummary.Percentile(serial.DurationsMs, 0.5):F2}x as long."));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"- the pure evaluation is {cpuMedian / LatencySummary.Percentile(serial.DurationsMs, 0.5):P0} of a window's median time at concurrency 1: the rest is storage (claim, spec, samples, baseline, history, alerts, completion, pending row)."));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"- cached baselines against read from Blob, at concurrency 8: {parallel.Seconds / cached.Seconds:F2}x the windows/s."));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"- at 5-minute windows, one run over these {models} models takes {parallel.Seconds:F0} s at concurrency 8 ({parallel.Seconds / 300:P0} of a window; {cached.Seconds:F0} s with baselines cached)."));
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static ServiceProvider Build(string storage, string run, string evaluationTable, int concurrency)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Monitoring:SampleTable"] = $"benchsamples{run}",
            ["Monitoring:SampleContainer"] = $"bench-samples-{run}",
            ["Monitoring:BaselineContainer"] = $"bench-baselines-{run}",
            ["Monitoring:AlertQueue"] = $"bench-alerts-{run}",
            ["Monitoring:EvaluationTable"] = evaluationTable,
            ["Monitoring:EvaluationConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Training:SpecTable"] = $"benchspecs{run}",
            ["Registry:Table"] = $"benchmodels{run}",
            ["Registry:ArtifactContainer"] = $"bench-models-{run}",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddServerlessCore(configuration);
        return services.BuildServiceProvider();
    }

    private static (List<double> Times, List<WindowEvaluation> Undrifted) EvaluateInMemory(Func<int, string> name, Shape shape, DateTimeOffset start, int samplesPerWindow, int count)
    {
        var policy = MonitoringPolicy.For(null, new MonitoringOptions());
        var end = start + new MonitoringOptions().WindowLength;
        // Generated one at a time (only the evaluation is timed), after a warm-up on the first few.
        (string Name, List<PredictionSample> Samples, Dictionary<int, MonitoringBaseline?> Baselines) Window(int i) =>
            (name(i), Samples(name(i), i, shape, start, samplesPerWindow), new Dictionary<int, MonitoringBaseline?> { [1] = Baseline(name(i), i, shape) });
        var warmUp = Enumerable.Range(0, Math.Min(count, 20)).Select(Window).ToList();
        for (int round = 0; round < 10; round++)
        {
            warmUp.ForEach(w => WindowEvaluator.Evaluate(w.Name, start, end, DateTimeOffset.UtcNow, w.Samples, policy, w.Baselines, []));
        }

        var times = new List<double>();
        var undrifted = new List<WindowEvaluation>();
        for (int i = 0; i < count; i++)
        {
            var w = Window(i);
            long started = Stopwatch.GetTimestamp();
            var evaluation = WindowEvaluator.Evaluate(w.Name, start, end, DateTimeOffset.UtcNow, w.Samples, policy, w.Baselines, []);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (i % DriftEvery != 0)
            {
                undrifted.Add(evaluation);
            }
        }

        times.Sort();
        return (times, undrifted);
    }

    // A version-1 baseline as the retraining line records it: quantile bins of training columns and the positive
    // class's probability on them.
    private static MonitoringBaseline Baseline(string model, int index, Shape shape)
    {
        var random = new Random(index);
        var numeric = Enumerable.Range(0, shape.Numeric).Select(_ => new float[TrainingRows]).ToArray();
        var categorical = Enumerable.Range(0, shape.Categorical).Select(_ => new string[TrainingRows]).ToArray();
        var scores = new float[TrainingRows];
        int positives = 0, wrong = 0;
        for (int r = 0; r < TrainingRows; r++)
        {
            var row = Row(random, shape, drifted: false);
            for (int j = 0; j < shape.Numeric; j++)
            {
                numeric[j][r] = (float)row.Numeric[j];
            }

            for (int j = 0; j < shape.Categorical; j++)
            {
                categorical[j][r] = row.Categorical[j];
            }

            scores[r] = (float)row.Probability;
            bool predicted = row.Probability >= 0.5;
            positives += predicted ? 1 : 0;
            wrong += predicted != (random.NextDouble() < row.Probability) ? 1 : 0;
        }

        var features = numeric.Select((values, j) => BaselineStatistics.Numeric(new NumericColumn($"x{j}", values)))
            .Concat(categorical.Select((values, j) => BaselineStatistics.Categorical(new CategoricalColumn($"c{j}", values))))
            .ToList();
        var predictions = new PredictionBaseline(
            TrainingRows, BaselineStatistics.Numeric(new NumericColumn(PredictionBaseline.FeatureName, scores)), positives / (double)TrainingRows, wrong / (double)TrainingRows);
        return new MonitoringBaseline(model, 1, ModelTasks.Binary, "benchmark", features, predictions, DateTimeOffset.UtcNow);
    }

    // One window's samples, spread over the window; inputs as the records API takes them, outputs as it writes them.
    private static List<PredictionSample> Samples(string model, int index, Shape shape, DateTimeOffset start, int count)
    {
        var random = new Random(index + 1_000_000);
        bool drifted = index % DriftEvery == 0;
        var samples = new List<PredictionSample>(count);
        for (int k = 0; k < count; k++)
        {
            var row = Row(random, shape, drifted);
            var inputs = Json(w =>
            {
                for (int j = 0; j < shape.Numeric; j++)
                {
                    w.WriteNumber($"x{j}", Math.Round(row.Numeric[j], 3));
                }

                for (int j = 0; j < shape.Categorical; j++)
                {
                    w.WriteString($"c{j}", row.Categorical[j]);
                }
            });
            double p = Math.Round(row.Probability, 4);
            var outputs = Json(w =>
            {
                w.WriteBoolean("label", p >= 0.5);
                w.WriteStartObject("probabilities");
                w.WriteNumber("false", Math.Round(1 - p, 4));
                w.WriteNumber("true", p);
                w.WriteEndObject();
            });
            var time = start + TimeSpan.FromSeconds(k * 300.0 / count);
            samples.Add(new PredictionSample(model, 1, string.Create(CultureInfo.InvariantCulture, $"p-{k:D6}"), time, inputs, outputs));
        }

        return samples;
    }

    // Numeric feature j ~ N(10(j+1), (j+1)^2); categorical ones skewed over six values; the score a logistic function of
    // them. Drifted: feature x0 shifted by 1.5 standard deviations, which moves the score too.
    private static (double[] Numeric, string[] Categorical, double Probability) Row(Random random, Shape shape, bool drifted)
    {
        var numeric = new double[shape.Numeric];
        double logit = 0;
        for (int j = 0; j < shape.Numeric; j++)
        {
            double z = Gaussian(random) + (drifted && j == 0 ? 1.5 : 0);
            numeric[j] = (10 * (j + 1)) + (z * (j + 1));
            logit += (j % 2 == 0 ? 0.6 : -0.4) * z;
        }

        var categorical = new string[shape.Categorical];
        for (int j = 0; j < shape.Categorical; j++)
        {
            double u = random.NextDouble();
            int c = 0;
            while (c < Categories.Length - 1 && (u -= CategoryWeights[c]) > 0)
            {
                c++;
            }

            categorical[j] = Categories[c];
            logit += c == 0 ? 0.5 : -0.1;
        }

        return (numeric, categorical, 1 / (1 + Math.Exp(-logit)));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency }, body);

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        long started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private sealed record Shape(int Numeric, int Categorical);

    private sealed record Pass(string Label, int Concurrency, int Windows, double Seconds, List<double> DurationsMs, int Alerts);
}
