using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core;
using Serverless.Core.Serving;

namespace Serverless.Benchmarks;

/// <summary>
/// Measurements without HTTP: the compute floor (ONNX Runtime called in process, one row, inputs created per call as a
/// server would), and the app-level comparison: the platform's serving pipeline (<see cref="InferenceService.InferAsync"/>:
/// alias, cache lease, decode, run, encode with a prediction id) against the hand-written endpoint's per-request work
/// (bind the same body to records, run, write the outputs), on the same body.
/// </summary>
internal static class InProcessBenchmark
{
    private static readonly string[] Inputs = ["income", "debt_ratio", "years_employed", "late_payments"];
    private static readonly string[] Outputs = ["PredictedLabel.output", "Probability.output"];

    public static LatencySummary Run(byte[] model, int threads, int seconds)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        return Measure("ONNX Runtime in process", threads, seconds, () => Call(session, runOptions));
    }

    /// <summary>
    /// The app's services as the worker builds them from <paramref name="settingsPath"/>'s values (Functions
    /// <c>local.settings.json</c> form) on <paramref name="storage"/>, the sample rate replaced when one is given.
    /// </summary>
    public static ServiceProvider Services(string storage, string? settingsPath, string? sampleRate)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (settingsPath is not null)
        {
            using var settings = JsonDocument.Parse(File.ReadAllBytes(settingsPath));
            foreach (var value in settings.RootElement.GetProperty("Values").EnumerateObject())
            {
                values[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.GetString();
            }
        }

        values["AzureWebJobsStorage"] = storage;
        values["AppStorage"] = storage;
        if (sampleRate is not null)
        {
            values["Monitoring:SampleRate"] = sampleRate;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddServerlessCore(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The platform's <c>/infer</c> work for one request, without HTTP.</summary>
    public static LatencySummary RunPlatform(string name, InferenceService inference, string model, byte[] body, int threads, int seconds) =>
        Measure(name, threads, seconds, () =>
        {
            var answer = inference.InferAsync(model, null, body, CancellationToken.None).GetAwaiter().GetResult();
            if (answer.Length == 0)
            {
                throw new InvalidOperationException("The platform answered nothing.");
            }
        });

    /// <summary>The hand-written endpoint's work for one request (what its handler and the JSON binding do), without HTTP.</summary>
    public static LatencySummary RunHandWritten(byte[] model, byte[] body, int threads, int seconds)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        return Measure("Hand-written endpoint's work in process", threads, seconds, () =>
        {
            var request = JsonSerializer.Deserialize<HandWrittenServer.InferRequest>(body, JsonSerializerOptions.Web)!;
            object answer = HandWrittenServer.Answer(session, runOptions, request);
            var buffer = new ArrayBufferWriter<byte>(256);
            using var writer = new Utf8JsonWriter(buffer);
            JsonSerializer.Serialize(writer, answer, answer.GetType(), JsonSerializerOptions.Web);
        });
    }

    /// <summary>Calls <paramref name="call"/> on <paramref name="threads"/> threads for <paramref name="seconds"/> after a warm-up.</summary>
    private static LatencySummary Measure(string name, int threads, int seconds, Action call)
    {
        for (int i = 0; i < 2000; i++)
        {
            call();
        }

        var samples = new List<double>[threads];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = new List<double>(1 << 20);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                long start = Stopwatch.GetTimestamp();
                call();
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            samples[t] = mine;
        });
        return LatencySummary.FromSamples(name, threads, samples.SelectMany(s => s).ToList(), seconds);
    }

    private static void Call(InferenceSession session, RunOptions runOptions)
    {
        float[][] row = [[85f], [0.2f], [6f], [0f]];
        var values = row.Select(v => OrtValue.CreateTensorValueFromMemory(v, [1, 1])).ToList();
        try
        {
            using var results = session.Run(runOptions, Inputs, values, Outputs);
            _ = results[1].GetTensorDataAsSpan<float>()[0];
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }
}
