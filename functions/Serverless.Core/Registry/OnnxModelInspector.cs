using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Registry;

/// <summary>
/// Proves a model file is a single-file ONNX model that ONNX Runtime loads, and reads its signature. Only ever given
/// a path the registry wrote itself, and only after <see cref="ExternalDataCheck"/> has passed.
/// </summary>
internal static class OnnxModelInspector
{
    /// <exception cref="InvalidModelException">The file is empty, not ONNX, references external data, or does not load.</exception>
    public static ModelSignature Inspect(string modelPath)
    {
        if (new FileInfo(modelPath).Length == 0)
        {
            throw new InvalidModelException("The model is empty: send the ONNX file's bytes as application/octet-stream.");
        }

        ExternalDataCheck.EnsureSelfContained(modelPath);
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(modelPath, options);
            return new ModelSignature(
                session.InputMetadata.Select(kv => Describe(kv.Key, kv.Value)).ToList(),
                session.OutputMetadata.Select(kv => Describe(kv.Key, kv.Value)).ToList());
        }
        catch (OnnxRuntimeException ex)
        {
            // ONNX Runtime names the file it loaded; the client only needs the reason.
            throw new InvalidModelException($"The file is not an ONNX model that ONNX Runtime can load: {ex.Message.Replace(modelPath, "model", StringComparison.Ordinal)}", ex);
        }
    }

    private static TensorSpec Describe(string name, NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => new TensorSpec(name, Datatype(metadata.ElementDataType), metadata.Dimensions.Select(d => (long)d).ToList()),
        OnnxValueType.ONNX_TYPE_SEQUENCE => new TensorSpec(name, "SEQUENCE", [-1], "sequence"),
        OnnxValueType.ONNX_TYPE_MAP => new TensorSpec(name, "MAP", [], "map"),
        _ => new TensorSpec(name, metadata.OnnxValueType.ToString(), [], metadata.OnnxValueType.ToString().ToLowerInvariant()),
    };

    /// <summary>The Open Inference Protocol name of an ONNX element type.</summary>
    public static string Datatype(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.UInt16 => "UINT16",
        TensorElementType.UInt32 => "UINT32",
        TensorElementType.UInt64 => "UINT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.String => "BYTES",
        TensorElementType.BFloat16 => "BF16",
        _ => type.ToString().ToUpperInvariant(),
    };
}
