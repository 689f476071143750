using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// Converts between the Open Inference Protocol's JSON tensors and ONNX Runtime values. Non-tensor outputs are written
/// as tensors too, so every response stays within the protocol's schema: a map becomes its values (shape <c>[k]</c>), a
/// sequence of maps (sklearn's ZipMap probabilities) the values of each map in key order (shape <c>[n, k]</c>), both
/// with the keys in the output's <c>parameters.keys</c>; a sequence of tensors becomes their concatenated values with
/// each element's shape in <c>parameters.element_shapes</c>.
/// </summary>
internal static class TensorCodec
{
    /// <summary>The leaf values of a (possibly nested) JSON array, row-major; a scalar is its own leaf.</summary>
    public static void AddLeaves(JsonElement data, List<JsonElement> leaves)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            leaves.Add(data);
            return;
        }

        foreach (var item in data.EnumerateArray())
        {
            AddLeaves(item, leaves);
        }
    }

    /// <summary>Creates a tensor of <paramref name="shape"/> from JSON values; <paramref name="what"/> names it in errors.</summary>
    /// <exception cref="InvalidInferenceRequestException">A value is not of the datatype.</exception>
    public static OrtValue CreateTensor(TensorElementType type, long[] shape, IReadOnlyList<JsonElement> values, string what)
    {
        if (type == TensorElementType.String)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            try
            {
                for (int i = 0; i < values.Count; i++)
                {
                    if (values[i].ValueKind != JsonValueKind.String)
                    {
                        throw Mismatch(what, "BYTES", values[i], i);
                    }

                    strings.StringTensorSetElementAt(values[i].GetString().AsSpan(), i);
                }

                return strings;
            }
            catch
            {
                strings.Dispose();
                throw;
            }
        }

        // Managed arrays handed to ONNX Runtime pinned: no native allocation or type query per request.
        return type switch
        {
            TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "BOOL", static (JsonElement e, out bool v) => TryBool(e, out v)), shape),
            TensorElementType.Int8 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "INT8", static (JsonElement e, out sbyte v) => e.TryGetSByte(out v)), shape),
            TensorElementType.Int16 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "INT16", static (JsonElement e, out short v) => e.TryGetInt16(out v)), shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "INT32", static (JsonElement e, out int v) => e.TryGetInt32(out v)), shape),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "INT64", static (JsonElement e, out long v) => e.TryGetInt64(out v)), shape),
            TensorElementType.UInt8 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "UINT8", static (JsonElement e, out byte v) => e.TryGetByte(out v)), shape),
            TensorElementType.UInt16 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "UINT16", static (JsonElement e, out ushort v) => e.TryGetUInt16(out v)), shape),
            TensorElementType.UInt32 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "UINT32", static (JsonElement e, out uint v) => e.TryGetUInt32(out v)), shape),
            TensorElementType.UInt64 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "UINT64", static (JsonElement e, out ulong v) => e.TryGetUInt64(out v)), shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "FP16", static (JsonElement e, out Float16 v) => TryHalf(e, out v)), shape),
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "FP32", static (JsonElement e, out float v) => TryFloat(e, out v)), shape),
            TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(Fill(values, what, "FP64", static (JsonElement e, out double v) => TryDouble(e, out v)), shape),
            _ => throw new InvalidInferenceRequestException($"{what}: tensors of {type} are not supported."),
        };
    }

    /// <summary>
    /// Writes one output as a protocol tensor object: name, datatype, shape, data and, for non-tensors, parameters;
    /// <paramref name="tensor"/> is its type and shape when already read.
    /// </summary>
    public static void WriteOutput(Utf8JsonWriter writer, string name, OrtValue value, OrtTensorTypeAndShapeInfo? tensor = null)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        switch (value.OnnxType)
        {
            case OnnxValueType.ONNX_TYPE_TENSOR:
                var info = tensor ?? value.GetTensorTypeAndShape();
                writer.WriteString("datatype", OnnxModelInspector.Datatype(info.ElementDataType));
                WriteShape(writer, info.Shape);
                writer.WriteStartArray("data");
                WriteValues(writer, value, info.ElementDataType, 0, info.ElementCount);
                writer.WriteEndArray();
                break;
            case OnnxValueType.ONNX_TYPE_MAP:
                using (var keys = value.GetValue(0, OrtAllocator.DefaultInstance))
                using (var values = value.GetValue(1, OrtAllocator.DefaultInstance))
                {
                    var valueInfo = values.GetTensorTypeAndShape();
                    writer.WriteString("datatype", OnnxModelInspector.Datatype(valueInfo.ElementDataType));
                    WriteShape(writer, [valueInfo.ElementCount]);
                    writer.WriteStartArray("data");
                    WriteValues(writer, values, 0, valueInfo.ElementCount);
                    writer.WriteEndArray();
                    writer.WriteStartObject("parameters");
                    writer.WriteString("content_type", "map");
                    writer.WriteStartArray("keys");
                    WriteValues(writer, keys, 0, keys.GetTensorTypeAndShape().ElementCount);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                break;
            case OnnxValueType.ONNX_TYPE_SEQUENCE:
                WriteSequence(writer, value);
                break;
            default:
                throw new NotSupportedException($"Output '{name}' is an ONNX {value.OnnxType}, which has no JSON form here.");
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the elements <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/> of a tensor as JSON values.</summary>
    public static void WriteValues(Utf8JsonWriter writer, OrtValue tensor, long start, long count) =>
        WriteValues(writer, tensor, tensor.GetTensorTypeAndShape().ElementDataType, start, count);

    /// <summary>As <see cref="WriteValues(Utf8JsonWriter, OrtValue, long, long)"/>, for a tensor whose element type is known.</summary>
    public static void WriteValues(Utf8JsonWriter writer, OrtValue tensor, TensorElementType type, long start, long count)
    {
        if (type == TensorElementType.String)
        {
            for (long i = start; i < start + count; i++)
            {
                writer.WriteStringValue(tensor.GetStringElement(checked((int)i)));
            }

            return;
        }

        var raw = tensor.GetTensorMutableRawData();
        int from = checked((int)start);
        int to = checked((int)(start + count));
        switch (type)
        {
            case TensorElementType.Bool: foreach (byte v in raw[from..to]) { writer.WriteBooleanValue(v != 0); } break;
            case TensorElementType.Int8: foreach (sbyte v in MemoryMarshal.Cast<byte, sbyte>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.Int16: foreach (short v in MemoryMarshal.Cast<byte, short>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.Int32: foreach (int v in MemoryMarshal.Cast<byte, int>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.Int64: foreach (long v in MemoryMarshal.Cast<byte, long>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.UInt8: foreach (byte v in raw[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.UInt16: foreach (ushort v in MemoryMarshal.Cast<byte, ushort>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.UInt32: foreach (uint v in MemoryMarshal.Cast<byte, uint>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.UInt64: foreach (ulong v in MemoryMarshal.Cast<byte, ulong>(raw)[from..to]) { writer.WriteNumberValue(v); } break;
            case TensorElementType.Float16: foreach (Half v in MemoryMarshal.Cast<byte, Half>(raw)[from..to]) { WriteFloat(writer, (double)v, (float)v); } break;
            case TensorElementType.Float: foreach (float v in MemoryMarshal.Cast<byte, float>(raw)[from..to]) { WriteFloat(writer, v, v); } break;
            case TensorElementType.Double: foreach (double v in MemoryMarshal.Cast<byte, double>(raw)[from..to]) { WriteFloat(writer, v, null); } break;
            default: throw new NotSupportedException($"Tensors of {type} have no JSON form here.");
        }
    }

    /// <summary>The protocol's error for a value that is not of the datatype.</summary>
    public static InvalidInferenceRequestException Mismatch(string what, string datatype, JsonElement value, int index) =>
        new(what + MismatchText(datatype, value.GetRawText(), index));

    /// <summary>The protocol's error for a value (its JSON text <paramref name="raw"/>) that is not of the datatype, after the name of what holds it.</summary>
    public static string MismatchText(string datatype, string raw, int index) =>
        string.Create(CultureInfo.InvariantCulture, $": value {index} ({Describe(raw)}) is not a valid {datatype}{Hint(datatype)}.");

    private static string Hint(string datatype) => datatype switch
    {
        "BOOL" => ": use true or false",
        "BYTES" => ": use a JSON string",
        "FP16" or "FP32" or "FP64" => ": use a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\"",
        _ => ": use a whole JSON number within the type's range",
    };

    private static string Describe(string raw) => raw.Length > 40 ? raw[..40] + "..." : raw;

    private delegate bool Parser<T>(JsonElement element, out T value);

    private static T[] Fill<T>(IReadOnlyList<JsonElement> values, string what, string datatype, Parser<T> parse)
    {
        var target = new T[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var kind = values[i].ValueKind;
            bool parsable = datatype switch
            {
                "BOOL" => kind is JsonValueKind.True or JsonValueKind.False,
                "FP16" or "FP32" or "FP64" => kind is JsonValueKind.Number or JsonValueKind.String,
                _ => kind is JsonValueKind.Number,
            };
            if (!parsable || !parse(values[i], out target[i]))
            {
                throw Mismatch(what, datatype, values[i], i);
            }
        }

        return target;
    }

    private static bool TryBool(JsonElement element, out bool value)
    {
        value = element.ValueKind == JsonValueKind.True;
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    private static bool TryDouble(JsonElement element, out double value)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetDouble(out value);
        }

        value = element.ValueKind == JsonValueKind.String ? element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => 0,
        } : 0;
        return element.ValueKind == JsonValueKind.String && element.GetString() is "NaN" or "Infinity" or "-Infinity";
    }

    private static bool TryFloat(JsonElement element, out float value)
    {
        bool ok = TryDouble(element, out double wide);
        value = (float)wide;
        return ok && (float.IsFinite(value) || !double.IsFinite(wide));
    }

    private static bool TryHalf(JsonElement element, out Float16 value)
    {
        bool ok = TryDouble(element, out double wide);
        var half = (Half)wide;
        value = new Float16(BitConverter.HalfToUInt16Bits(half));
        return ok && (Half.IsFinite(half) || !double.IsFinite(wide));
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value, float? single)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else if (single is float f)
        {
            // The shortest text that reads back as the same float, not the double's longer expansion.
            writer.WriteNumberValue(f);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    private static void WriteShape(Utf8JsonWriter writer, ReadOnlySpan<long> shape)
    {
        writer.WriteStartArray("shape");
        foreach (long dim in shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
    }

    private static void WriteSequence(Utf8JsonWriter writer, OrtValue sequence)
    {
        int count = sequence.GetValueCount();
        var elements = new List<OrtValue>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                elements.Add(sequence.GetValue(i, OrtAllocator.DefaultInstance));
            }

            if (count > 0 && elements[0].OnnxType == OnnxValueType.ONNX_TYPE_MAP)
            {
                WriteSequenceOfMaps(writer, elements);
                return;
            }

            writer.WriteString("datatype", count == 0 ? "FP32" : OnnxModelInspector.Datatype(elements[0].GetTensorTypeAndShape().ElementDataType));
            WriteShape(writer, [elements.Sum(e => e.GetTensorTypeAndShape().ElementCount)]);
            writer.WriteStartArray("data");
            foreach (var element in elements)
            {
                WriteValues(writer, element, 0, element.GetTensorTypeAndShape().ElementCount);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("parameters");
            writer.WriteString("content_type", "sequence");
            writer.WriteStartArray("element_shapes");
            foreach (var element in elements)
            {
                writer.WriteStartArray();
                foreach (long dim in element.GetTensorTypeAndShape().Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        finally
        {
            elements.ForEach(e => e.Dispose());
        }
    }

    private static void WriteSequenceOfMaps(Utf8JsonWriter writer, List<OrtValue> maps)
    {
        // ZipMap gives every row the same keys in the same order; the first map's keys name the columns.
        using var keys = maps[0].GetValue(0, OrtAllocator.DefaultInstance);
        long width = keys.GetTensorTypeAndShape().ElementCount;
        TensorElementType valueType;
        using (var firstValues = maps[0].GetValue(1, OrtAllocator.DefaultInstance))
        {
            valueType = firstValues.GetTensorTypeAndShape().ElementDataType;
        }

        writer.WriteString("datatype", OnnxModelInspector.Datatype(valueType));
        WriteShape(writer, [maps.Count, width]);
        writer.WriteStartArray("data");
        foreach (var map in maps)
        {
            using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
            long count = values.GetTensorTypeAndShape().ElementCount;
            if (count != width)
            {
                throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"A sequence of maps with differing keys ({count} and {width}) has no tensor form."));
            }

            WriteValues(writer, values, 0, count);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("parameters");
        writer.WriteString("content_type", "sequence_of_maps");
        writer.WriteStartArray("keys");
        WriteValues(writer, keys, 0, width);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
