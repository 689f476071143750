using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Benchmarks;

/// <summary>The compute floor: ONNX Runtime called in process, one row, inputs created per call as a server would.</summary>
internal static class InProcessBenchmark
{
    private static readonly string[] Inputs = ["income", "debt_ratio", "years_employed", "late_payments"];
    private static readonly string[] Outputs = ["PredictedLabel.output", "Probability.output"];

    public static LatencySummary Run(byte[] model, int threads, int seconds)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        for (int i = 0; i < 1000; i++)
        {
            Call(session, runOptions);
        }

        var samples = new List<double>[threads];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = new List<double>(1 << 20);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                long start = Stopwatch.GetTimestamp();
                Call(session, runOptions);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            samples[t] = mine;
        });
        return LatencySummary.FromSamples("ONNX Runtime in process", threads, samples.SelectMany(s => s).ToList(), seconds);
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
