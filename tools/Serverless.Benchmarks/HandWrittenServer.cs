using Microsoft.ML.OnnxRuntime;

using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// What a user would write by hand: a minimal ASP.NET Core endpoint that deserialises the same Open Inference Protocol
/// request into records, runs one ONNX Runtime session held in memory, and writes the two requested outputs. No
/// registry, no validation, no prediction id.
/// </summary>
internal static class HandWrittenServer
{
    private static readonly string[] Outputs = ["PredictedLabel.output", "Probability.output"];

    public static async Task<WebApplication> StartAsync(byte[] model)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{HostProcess.FreePort()}");
        var app = builder.Build();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        var session = new InferenceSession(model, options);
        var runOptions = new RunOptions();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            session.Dispose();
            runOptions.Dispose();
        });
        app.MapPost("/v2/models/demo/infer", (InferRequest request) => Results.Ok(Answer(session, runOptions, request)));
        await app.StartAsync();
        return app;
    }

    /// <summary>The endpoint's work once the body is bound: run the session, answer the two outputs (serialised by the caller).</summary>
    public static object Answer(InferenceSession session, RunOptions runOptions, InferRequest request)
    {
        var values = request.Inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var results = session.Run(runOptions, request.Inputs.Select(i => i.Name).ToList(), values, Outputs);
            var label = results[0].GetTensorDataAsSpan<bool>().ToArray();
            var probability = results[1].GetTensorDataAsSpan<float>().ToArray();
            long[] shape = [label.Length, 1];
            return new
            {
                model_name = "demo",
                outputs = new object[]
                {
                    new { name = Outputs[0], datatype = "BOOL", shape, data = label },
                    new { name = Outputs[1], datatype = "FP32", shape, data = probability },
                },
            };
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The request body, as the hand-written endpoint binds it.</summary>
    internal sealed record InferRequest(List<InferInput> Inputs);

    /// <summary>One input.</summary>
    internal sealed record InferInput(string Name, long[] Shape, string Datatype, float[] Data);
}
