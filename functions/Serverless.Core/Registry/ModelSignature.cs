using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>A model's inputs and outputs, read from its ONNX graph at registration.</summary>
/// <param name="Inputs">The graph inputs.</param>
/// <param name="Outputs">The graph outputs.</param>
public sealed record ModelSignature(
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorSpec> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorSpec> Outputs);
