using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>One input or output of a model, as read from its ONNX graph.</summary>
/// <param name="Name">The graph's name for it.</param>
/// <param name="Datatype">Open Inference Protocol datatype (<c>FP32</c>, <c>INT64</c>, <c>BYTES</c>...), or the element type of a non-tensor value.</param>
/// <param name="Shape">Dimensions; <c>-1</c> where the graph leaves one open.</param>
/// <param name="Kind"><c>tensor</c>, <c>sequence</c> or <c>map</c>.</param>
public sealed record TensorSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("kind")] string Kind = "tensor");
