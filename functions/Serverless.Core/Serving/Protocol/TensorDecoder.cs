using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// Reads a tensor's <c>data</c> straight from the request's JSON tokens into a pooled buffer of its element type: the
/// datatype is resolved once per input (<see cref="For"/>), and each value is parsed where it stands, with no
/// intermediate list of JSON elements. The data is a flat array of every value, or arrays nested along the leading
/// dimensions, each as long as its dimension (the innermost ones may hold the remaining dimensions flat).
/// </summary>
internal abstract class TensorDecoder
{
    private static readonly Dictionary<string, TensorDecoder> Decoders = new(StringComparer.Ordinal)
    {
        ["BOOL"] = new Numeric<bool, BoolValue>(),
        ["INT8"] = new Numeric<sbyte, Int8Value>(),
        ["INT16"] = new Numeric<short, Int16Value>(),
        ["INT32"] = new Numeric<int, Int32Value>(),
        ["INT64"] = new Numeric<long, Int64Value>(),
        ["UINT8"] = new Numeric<byte, UInt8Value>(),
        ["UINT16"] = new Numeric<ushort, UInt16Value>(),
        ["UINT32"] = new Numeric<uint, UInt32Value>(),
        ["UINT64"] = new Numeric<ulong, UInt64Value>(),
        ["FP16"] = new Numeric<Float16, HalfValue>(),
        ["FP32"] = new Numeric<float, FloatValue>(),
        ["FP64"] = new Numeric<double, DoubleValue>(),
        ["BYTES"] = new Strings(),
    };

    private interface IValue<T>
    {
        static abstract string Datatype { get; }

        static abstract bool TryRead(ref Utf8JsonReader reader, out T value);
    }

    /// <summary>The decoder of a protocol datatype (<c>FP32</c>, <c>BYTES</c>, ...), or null for one that has none.</summary>
    public static TensorDecoder? For(string datatype) => Decoders.GetValueOrDefault(datatype);

    /// <summary>
    /// Reads the data value the reader stands on (consuming it whole) for a tensor of <paramref name="shape"/> holding
    /// <paramref name="count"/> values; <paramref name="json"/> is the buffer the reader reads. Returns the values, or
    /// null with <paramref name="error"/> set: the end of the message that follows the input's name (" needs ...", ": data ...").
    /// </summary>
    public abstract TensorValues? Decode(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long[] shape, long count, out string? error);

    /// <summary>The end of the message for a value that is not of the datatype (after the input's name).</summary>
    internal static string Mismatch(string datatype, ReadOnlySpan<byte> raw, int index)
    {
        string text = Encoding.UTF8.GetString(raw);
        return TensorCodec.MismatchText(datatype, text, index);
    }

    private static string Shape(long[] shape) => string.Join(", ", shape);

    /// <summary>The path of the array at <paramref name="depth"/> (<c>data[0][2]</c>), built only for a message.</summary>
    private static string Path(int[] indices, int depth)
    {
        var path = new StringBuilder("data");
        for (int d = 0; d < depth; d++)
        {
            path.Append(CultureInfo.InvariantCulture, $"[{indices[d]}]");
        }

        return path.ToString();
    }

    /// <summary>The values read, in a pooled buffer given back on dispose.</summary>
    internal abstract class TensorValues : IDisposable
    {
        /// <summary>A tensor of <paramref name="shape"/> over the values; the caller disposes it before this.</summary>
        public abstract OrtValue CreateTensor(long[] shape);

        public abstract void Dispose();
    }

    /// <summary>The walk over the data's arrays, generic over the element so that each value's parse is inlined.</summary>
    private abstract class Walker<T, TValue> : TensorDecoder
        where TValue : IValue<T>
    {
        public sealed override TensorValues? Decode(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long[] shape, long count, out string? error)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                error = string.Create(CultureInfo.InvariantCulture, $" needs 'data': an array of {count} values.");
                return null;
            }

            // A value takes at least one byte and a separator: what the JSON left can hold, not what the shape claims.
            int capacity = (int)Math.Min(count, (json.Length - reader.TokenStartIndex + 1) / 2);
            var walk = new Walk(ArrayPool<T>.Shared.Rent(capacity), capacity, new int[shape.Length + 1]);
            string? structure = Level(ref reader, json, shape, 0, count, ref walk);
            error = structure ?? walk.ValueError;
            if (error is null)
            {
                return Wrap(walk.Buffer, (int)count);
            }

            Return(walk.Buffer);
            return null;
        }

        protected abstract TensorValues Wrap(T[] buffer, int count);

        protected abstract void Return(T[] buffer);

        /// <summary>Reads the array the reader stands on, to its end; returns the first error of its structure, by the order the checks are made.</summary>
        private static string? Level(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, long[] shape, int depth, long count, ref Walk walk)
        {
            if (depth > 0 && depth >= shape.Length)
            {
                reader.Skip();
                return $": {Path(walk.Indices, depth)} is nested deeper than shape [{Shape(shape)}].";
            }

            reader.Read();
            int length = 0;
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                // Flat from here on: the rest of the shape's values, none of them an array.
                bool mixed = false;
                for (; reader.TokenType != JsonTokenType.EndArray; reader.Read(), length++)
                {
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        mixed = true;
                        reader.Skip();
                        continue;
                    }

                    int leaf = walk.Leaves++;
                    int start = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        walk.ValueError ??= Mismatch(TValue.Datatype, json[start..(int)reader.BytesConsumed], leaf);
                    }
                    else if (!TValue.TryRead(ref reader, out T value))
                    {
                        walk.ValueError ??= Mismatch(TValue.Datatype, json[start..(int)reader.BytesConsumed], leaf);
                    }
                    else if (leaf < walk.Capacity)
                    {
                        walk.Buffer[leaf] = value;
                    }
                }

                if (length != count)
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $": {Path(walk.Indices, depth)} has {length} values, but shape [{Shape(shape)}] needs {count} there.");
                }

                return mixed ? $": {Path(walk.Indices, depth)} mixes arrays and values." : null;
            }

            long inner = depth < shape.Length && shape[depth] > 0 ? count / shape[depth] : 0;
            string? childError = null;
            for (; reader.TokenType != JsonTokenType.EndArray; reader.Read(), length++)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    childError ??= $": {Path(walk.Indices, depth)} mixes arrays and values.";
                    reader.Skip();
                    continue;
                }

                walk.Indices[depth] = length;
                string? error = Level(ref reader, json, shape, depth + 1, inner, ref walk);
                childError ??= error;
            }

            if (depth >= shape.Length)
            {
                return $": {Path(walk.Indices, depth)} is nested deeper than shape [{Shape(shape)}].";
            }

            if (length != shape[depth])
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $": {Path(walk.Indices, depth)} has {length} arrays, but dimension {depth} of shape [{Shape(shape)}] is {shape[depth]}.");
            }

            return childError;
        }

        private struct Walk(T[] buffer, int capacity, int[] indices)
        {
            public readonly T[] Buffer = buffer;
            public readonly int Capacity = capacity;
            public readonly int[] Indices = indices;
            public int Leaves;
            public string? ValueError;
        }
    }

    private sealed class Numeric<T, TValue> : Walker<T, TValue>
        where T : unmanaged
        where TValue : IValue<T>
    {
        protected override TensorValues Wrap(T[] buffer, int count) => new Values(buffer, count);

        protected override void Return(T[] buffer) => ArrayPool<T>.Shared.Return(buffer);

        private sealed class Values(T[] buffer, int count) : TensorValues
        {
            private T[]? _buffer = buffer;

            // Pinned, not copied: ONNX Runtime reads the pooled buffer in place.
            public override OrtValue CreateTensor(long[] shape) =>
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<T>(_buffer, 0, count), shape);

            public override void Dispose()
            {
                if (Interlocked.Exchange(ref _buffer, null) is { } returned)
                {
                    ArrayPool<T>.Shared.Return(returned);
                }
            }
        }
    }

    private sealed class Strings : Walker<string, StringValue>
    {
        protected override TensorValues Wrap(string[] buffer, int count) => new Values(buffer, count);

        protected override void Return(string[] buffer) => ArrayPool<string>.Shared.Return(buffer, clearArray: true);

        private sealed class Values(string[] buffer, int count) : TensorValues
        {
            private string[]? _buffer = buffer;

            public override OrtValue CreateTensor(long[] shape)
            {
                var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        tensor.StringTensorSetElementAt(_buffer![i].AsSpan(), i);
                    }

                    return tensor;
                }
                catch
                {
                    tensor.Dispose();
                    throw;
                }
            }

            public override void Dispose()
            {
                if (Interlocked.Exchange(ref _buffer, null) is { } returned)
                {
                    ArrayPool<string>.Shared.Return(returned, clearArray: true);
                }
            }
        }
    }

    private readonly struct StringValue : IValue<string>
    {
        public static string Datatype => "BYTES";

        public static bool TryRead(ref Utf8JsonReader reader, out string value)
        {
            value = reader.TokenType == JsonTokenType.String ? reader.GetString()! : string.Empty;
            return reader.TokenType == JsonTokenType.String;
        }
    }

    private readonly struct BoolValue : IValue<bool>
    {
        public static string Datatype => "BOOL";

        public static bool TryRead(ref Utf8JsonReader reader, out bool value)
        {
            value = reader.TokenType == JsonTokenType.True;
            return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
        }
    }

    private readonly struct Int8Value : IValue<sbyte>
    {
        public static string Datatype => "INT8";

        public static bool TryRead(ref Utf8JsonReader reader, out sbyte value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetSByte(out value);
        }
    }

    private readonly struct Int16Value : IValue<short>
    {
        public static string Datatype => "INT16";

        public static bool TryRead(ref Utf8JsonReader reader, out short value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt16(out value);
        }
    }

    private readonly struct Int32Value : IValue<int>
    {
        public static string Datatype => "INT32";

        public static bool TryRead(ref Utf8JsonReader reader, out int value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
        }
    }

    private readonly struct Int64Value : IValue<long>
    {
        public static string Datatype => "INT64";

        public static bool TryRead(ref Utf8JsonReader reader, out long value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
        }
    }

    private readonly struct UInt8Value : IValue<byte>
    {
        public static string Datatype => "UINT8";

        public static bool TryRead(ref Utf8JsonReader reader, out byte value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out value);
        }
    }

    private readonly struct UInt16Value : IValue<ushort>
    {
        public static string Datatype => "UINT16";

        public static bool TryRead(ref Utf8JsonReader reader, out ushort value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt16(out value);
        }
    }

    private readonly struct UInt32Value : IValue<uint>
    {
        public static string Datatype => "UINT32";

        public static bool TryRead(ref Utf8JsonReader reader, out uint value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out value);
        }
    }

    private readonly struct UInt64Value : IValue<ulong>
    {
        public static string Datatype => "UINT64";

        public static bool TryRead(ref Utf8JsonReader reader, out ulong value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value);
        }
    }

    private readonly struct DoubleValue : IValue<double>
    {
        public static string Datatype => "FP64";

        /// <summary>A JSON number, or the protocol's <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>.</summary>
        public static bool TryRead(ref Utf8JsonReader reader, out double value)
        {
            value = 0;
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.TryGetDouble(out value);
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            if (reader.ValueTextEquals("NaN"u8))
            {
                value = double.NaN;
            }
            else if (reader.ValueTextEquals("Infinity"u8))
            {
                value = double.PositiveInfinity;
            }
            else if (reader.ValueTextEquals("-Infinity"u8))
            {
                value = double.NegativeInfinity;
            }
            else
            {
                return false;
            }

            return true;
        }
    }

    private readonly struct FloatValue : IValue<float>
    {
        public static string Datatype => "FP32";

        public static bool TryRead(ref Utf8JsonReader reader, out float value)
        {
            bool ok = DoubleValue.TryRead(ref reader, out double wide);
            value = (float)wide;
            return ok && (float.IsFinite(value) || !double.IsFinite(wide));
        }
    }

    private readonly struct HalfValue : IValue<Float16>
    {
        public static string Datatype => "FP16";

        public static bool TryRead(ref Utf8JsonReader reader, out Float16 value)
        {
            bool ok = DoubleValue.TryRead(ref reader, out double wide);
            var half = (Half)wide;
            value = new Float16(BitConverter.HalfToUInt16Bits(half));
            return ok && (Half.IsFinite(half) || !double.IsFinite(wide));
        }
    }
}
