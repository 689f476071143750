namespace Serverless.Demo;

/// <summary>The trained demo classifier.</summary>
/// <param name="Onnx">The ONNX file.</param>
/// <param name="Metrics">Its quality on held-out rows (<c>auc</c>, <c>accuracy</c>, <c>f1</c>).</param>
/// <param name="TrainingData">Where its data came from, for the registry's lineage.</param>
public sealed record DemoModel(byte[] Onnx, IReadOnlyDictionary<string, double> Metrics, string TrainingData);
