using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Protocol;

/// <summary>An Open Inference Protocol request read against a model's graph: its id, input tensors and the outputs to compute.</summary>
internal sealed class InferenceRequest(string? id, List<string> inputNames, List<OrtValue> inputs, List<string> outputNames) : IDisposable
{
    public string? Id { get; } = id;

    public List<string> InputNames { get; } = inputNames;

    public List<OrtValue> Inputs { get; } = inputs;

    public List<string> OutputNames { get; } = outputNames;

    public void Dispose() => Inputs.ForEach(v => v.Dispose());
}
