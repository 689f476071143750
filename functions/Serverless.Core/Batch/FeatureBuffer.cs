using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Batch;

/// <summary>
/// One feature's values for a chunk, parsed from the cells straight into the model input's element type (invariant
/// culture), then handed to ONNX Runtime as a tensor over the same memory. A row that fails a later feature is taken
/// back with <see cref="Truncate"/>, so the values of the rows kept stay contiguous.
/// </summary>
internal abstract class FeatureBuffer
{
    /// <summary>Values held.</summary>
    public int Count { get; protected set; }

    /// <summary>What a cell must be, for the reason a row fails: "a number", "an integer", "true or false".</summary>
    public abstract string Expected { get; }

    /// <summary>Whether batches can read cells into inputs of element type <paramref name="type"/>.</summary>
    public static bool Supports(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Double
        or TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Int16 or TensorElementType.Int8
        or TensorElementType.UInt64 or TensorElementType.UInt32 or TensorElementType.UInt16 or TensorElementType.UInt8
        or TensorElementType.Bool or TensorElementType.String;

    /// <summary>A buffer for <paramref name="capacity"/> values of <paramref name="type"/>.</summary>
    public static FeatureBuffer Create(TensorElementType type, int capacity) => type switch
    {
        TensorElementType.Float => new NumberFeatureBuffer<float>(capacity),
        TensorElementType.Double => new NumberFeatureBuffer<double>(capacity),
        TensorElementType.Int64 => new NumberFeatureBuffer<long>(capacity),
        TensorElementType.Int32 => new NumberFeatureBuffer<int>(capacity),
        TensorElementType.Int16 => new NumberFeatureBuffer<short>(capacity),
        TensorElementType.Int8 => new NumberFeatureBuffer<sbyte>(capacity),
        TensorElementType.UInt64 => new NumberFeatureBuffer<ulong>(capacity),
        TensorElementType.UInt32 => new NumberFeatureBuffer<uint>(capacity),
        TensorElementType.UInt16 => new NumberFeatureBuffer<ushort>(capacity),
        TensorElementType.UInt8 => new NumberFeatureBuffer<byte>(capacity),
        TensorElementType.Bool => new BoolFeatureBuffer(capacity),
        TensorElementType.String => new StringFeatureBuffer(capacity),
        _ => throw new BatchInputException($"Batch scoring does not read inputs of type {type}."),
    };

    /// <summary>Adds a cell given as UTF-8 text (trimmed, not empty); false when it is not <see cref="Expected"/>.</summary>
    public abstract bool TryAdd(ReadOnlySpan<byte> utf8);

    /// <summary>Adds a typed cell (a Parquet value, not null); false when it is not <see cref="Expected"/>.</summary>
    public abstract bool TryAdd(object cell);

    /// <summary>Keeps the first <paramref name="count"/> values (a row failed after some of its features were added).</summary>
    public abstract void Truncate(int count);

    /// <summary>A tensor of the values <paramref name="start"/>..+<paramref name="count"/> with <paramref name="shape"/>; it may point into this buffer, so keep the buffer until the tensor is disposed.</summary>
    public abstract OrtValue ToTensor(int start, int count, long[] shape);

    /// <summary>A typed cell as a number, like the records API reads a JSON number; null when it is not one.</summary>
    protected static double? Number(object cell) => cell switch
    {
        string text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null,
        double value => double.IsFinite(value) ? value : null,
        float value => float.IsFinite(value) ? value : null,
        decimal value => (double)value,
        bool => null,
        IConvertible number when cell is sbyte or byte or short or ushort or int or uint or long or ulong => number.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };
}
