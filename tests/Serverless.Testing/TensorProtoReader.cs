using System.Buffers.Binary;
using Google.Protobuf;

namespace Serverless.Testing;

/// <summary>
/// Reads ONNX TensorProto files (the <c>input_N.pb</c>/<c>output_N.pb</c> of ONNX's test data sets). Field numbers are
/// those of onnx.proto's TensorProto.
/// </summary>
public static class TensorProtoReader
{
    private static readonly string[] Datatypes =
        ["", "FP32", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "BYTES", "BOOL", "FP16", "FP64", "UINT32", "UINT64"];

    /// <summary>Reads one file.</summary>
    public static ReferenceTensor Read(string path)
    {
        var input = new CodedInputStream(File.ReadAllBytes(path));
        var dims = new List<long>();
        int dataType = 0;
        string name = string.Empty;
        byte[]? raw = null;
        var floats = new List<double>();
        var ints = new List<long>();
        var unsigned = new List<ulong>();
        var strings = new List<string>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var wire = WireFormat.GetTagWireType(tag);
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Repeated(input, wire, s => dims.Add(s.ReadInt64())); break;
                case 2: dataType = input.ReadInt32(); break;
                case 4: Repeated(input, wire, s => floats.Add(s.ReadFloat())); break;
                case 5: Repeated(input, wire, s => ints.Add(s.ReadInt32())); break;
                case 6: strings.Add(input.ReadBytes().ToStringUtf8()); break;
                case 7: Repeated(input, wire, s => ints.Add(s.ReadInt64())); break;
                case 8: name = input.ReadString(); break;
                case 9: raw = input.ReadBytes().ToByteArray(); break;
                case 10: Repeated(input, wire, s => floats.Add(s.ReadDouble())); break;
                case 11: Repeated(input, wire, s => unsigned.Add(s.ReadUInt64())); break;
                default: input.SkipLastField(); break;
            }
        }

        string datatype = Datatypes[dataType];
        IReadOnlyList<object> values = raw is not null ? FromRaw(datatype, raw) : datatype switch
        {
            "FP32" or "FP64" => floats.Cast<object>().ToList(),
            "BOOL" => ints.Select(v => (object)(v != 0)).ToList(),
            "FP16" => ints.Select(v => (object)(double)BitConverter.UInt16BitsToHalf((ushort)v)).ToList(),
            "UINT32" or "UINT64" => unsigned.Cast<object>().ToList(),
            "BYTES" => strings,
            _ => ints.Cast<object>().ToList(),
        };
        return new ReferenceTensor(name, [.. dims], datatype, values);
    }

    private static void Repeated(CodedInputStream input, WireFormat.WireType wire, Action<CodedInputStream> read)
    {
        if (wire != WireFormat.WireType.LengthDelimited)
        {
            read(input);
            return;
        }

        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd)
        {
            read(packed);
        }
    }

    private static List<object> FromRaw(string datatype, byte[] raw)
    {
        int size = datatype switch
        {
            "BOOL" or "INT8" or "UINT8" => 1,
            "INT16" or "UINT16" or "FP16" => 2,
            "INT32" or "UINT32" or "FP32" => 4,
            _ => 8,
        };
        var values = new List<object>(raw.Length / size);
        for (int offset = 0; offset < raw.Length; offset += size)
        {
            var bytes = raw.AsSpan(offset, size);
            values.Add(datatype switch
            {
                "BOOL" => bytes[0] != 0,
                "INT8" => (long)(sbyte)bytes[0],
                "UINT8" => (long)bytes[0],
                "INT16" => (long)BinaryPrimitives.ReadInt16LittleEndian(bytes),
                "UINT16" => (long)BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                "FP16" => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
                "INT32" => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
                "UINT32" => (ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                "FP32" => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                "UINT64" => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
                "FP64" => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                _ => throw new NotSupportedException($"Raw data of {datatype} is not read here."),
            });
        }

        return values;
    }
}
