using System.Text;

namespace Serverless.Benchmarks;

/// <summary>
/// Distinct copies of one model: the ONNX file with a different doc string (ModelProto field 6) appended, which
/// protobuf merges, so each copy has its own SHA-256 and is cached and loaded on its own.
/// </summary>
internal static class ModelVariants
{
    public static byte[] Create(byte[] model, int index)
    {
        byte[] doc = Encoding.UTF8.GetBytes($"benchmark variant {index}");
        return [.. model, (6 << 3) | 2, (byte)doc.Length, .. doc];
    }
}
