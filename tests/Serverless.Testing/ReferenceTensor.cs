namespace Serverless.Testing;

/// <summary>A tensor read from an ONNX TensorProto file: values as bool, long, ulong, double or string.</summary>
/// <param name="Name">The tensor's name; empty when the file leaves it out.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Datatype">Its Open Inference Protocol datatype.</param>
/// <param name="Values">Its values, row-major.</param>
public sealed record ReferenceTensor(string Name, long[] Shape, string Datatype, IReadOnlyList<object> Values);
