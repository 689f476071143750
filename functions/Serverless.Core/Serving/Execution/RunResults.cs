using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>The outputs of one run, in the order asked for; disposing them gives large outputs' memory back to the system.</summary>
internal sealed class RunResults(IDisposableReadOnlyCollection<OrtValue> results, OrtTensorTypeAndShapeInfo?[] tensors, bool large) : IDisposable
{
    /// <summary>The output values.</summary>
    public IReadOnlyList<OrtValue> Values { get; } = [.. results];

    /// <summary>Each output's element type and shape when it is a tensor (null otherwise), as read once after the run.</summary>
    public IReadOnlyList<OrtTensorTypeAndShapeInfo?> Tensors { get; } = tensors;

    public void Dispose()
    {
        results.Dispose();
        if (large)
        {
            InferenceMemory.GiveBack();
        }
    }
}
