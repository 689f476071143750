using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Testing;

/// <summary>
/// Writes small ONNX models (one operator) in the ONNX protobuf wire format, so that tests need no model files.
/// Field numbers are those of onnx.proto's ModelProto, GraphProto, NodeProto and ValueInfoProto.
/// </summary>
public static class OnnxModelBuilder
{
    /// <summary>A model whose output <c>y</c> is its input <c>x</c> (operator Identity), of any element type.</summary>
    public static byte[] Identity(TensorElementType elementType, params long[] shape) =>
        Build("Identity", [("x", elementType, shape)], [("y", elementType, shape)]);

    /// <summary>A model <c>sum = a + b</c> over float tensors of <paramref name="shape"/>.</summary>
    public static byte[] Add(params long[] shape) =>
        Build("Add", [("a", TensorElementType.Float, shape), ("b", TensorElementType.Float, shape)], [("sum", TensorElementType.Float, shape)]);

    /// <summary>
    /// sklearn-onnx's probability output: ZipMap (domain ai.onnx.ml) turning <c>probabilities</c> (float [n, k]) into
    /// <c>output_probability</c>, a sequence of maps from the class labels to the probabilities.
    /// </summary>
    public static byte[] ZipMap(params long[] classLabels)
    {
        byte[] attribute = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteString("classlabels_int64s");
            foreach (long label in classLabels)
            {
                w.WriteTag(8, WireFormat.WireType.Varint);
                w.WriteInt64(label);
            }

            w.WriteTag(20, WireFormat.WireType.Varint);
            w.WriteInt32(7); // AttributeProto.INTS
        });
        byte[] node = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteString("probabilities");
            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("output_probability");
            w.WriteTag(4, WireFormat.WireType.LengthDelimited);
            w.WriteString("ZipMap");
            Field(w, 5, attribute);
            w.WriteTag(7, WireFormat.WireType.LengthDelimited);
            w.WriteString("ai.onnx.ml");
        });
        byte[] floatTensor = Message(w => Field(w, 1, Message(t =>
        {
            t.WriteTag(1, WireFormat.WireType.Varint);
            t.WriteInt32((int)TensorElementType.Float);
        })));
        byte[] map = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.Varint);
            w.WriteInt32((int)TensorElementType.Int64);
            Field(w, 2, floatTensor);
        });
        byte[] sequenceOfMaps = Message(w => Field(w, 4, Message(q => Field(q, 1, Message(m => Field(m, 5, map))))));
        byte[] output = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteString("output_probability");
            Field(w, 2, sequenceOfMaps);
        });
        byte[] graph = Message(w =>
        {
            Field(w, 1, node);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("graph");
            Field(w, 11, ValueInfo("probabilities", TensorElementType.Float, [-1, classLabels.Length]));
            Field(w, 12, output);
        });
        return Model(graph, ("", 13), ("ai.onnx.ml", 1));
    }

    /// <summary>
    /// The same model with a distinct doc string (ModelProto field 6, appended: protobuf merges it), so that its bytes
    /// and SHA-256 are new: a model no cache has seen.
    /// </summary>
    public static byte[] Unique(byte[] model) => [.. model, .. Message(w =>
    {
        w.WriteTag(6, WireFormat.WireType.LengthDelimited);
        w.WriteString(Guid.NewGuid().ToString("N"));
    })];

    /// <summary>
    /// A model whose output size follows its input: <c>y</c> (float zeros) has the shape given by the values of
    /// <c>shape</c> (INT64 [2]), as ConstantOfShape makes it.
    /// </summary>
    public static byte[] ConstantOfShape() =>
        Build("ConstantOfShape", [("shape", TensorElementType.Int64, [2])], [("y", TensorElementType.Float, [-1, -1])]);

    /// <summary>
    /// A slow model: <paramref name="nodes"/> MatMul nodes in a chain, <c>y = x·x·…·x</c> over a square float matrix
    /// <c>x</c> of any size, so that ONNX Runtime passes between nodes (where a terminated run stops) many times.
    /// </summary>
    public static byte[] MatMulChain(int nodes)
    {
        byte[] graph = Message(w =>
        {
            for (int i = 0; i < nodes; i++)
            {
                Field(w, 1, Node("MatMul", [i == 0 ? "x" : $"t{i - 1}", "x"], [i == nodes - 1 ? "y" : $"t{i}"]));
            }

            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("graph");
            Field(w, 11, ValueInfo("x", TensorElementType.Float, [-1, -1]));
            Field(w, 12, ValueInfo("y", TensorElementType.Float, [-1, -1]));
        });
        return Model(graph, ("", 13));
    }

    /// <summary>
    /// A model <c>y = x + w</c> (float [2]) whose initializer <c>w</c> is stored as external data in the file
    /// <paramref name="location"/>, resolved by ONNX Runtime beside the model (or in its working directory for bytes).
    /// </summary>
    public static byte[] ExternalData(string location)
    {
        byte[] initializer = Message(t =>
        {
            t.WriteTag(1, WireFormat.WireType.Varint);
            t.WriteInt64(2);
            t.WriteTag(2, WireFormat.WireType.Varint);
            t.WriteInt32((int)TensorElementType.Float);
            t.WriteTag(8, WireFormat.WireType.LengthDelimited);
            t.WriteString("w");
            Field(t, 13, Message(e =>
            {
                e.WriteTag(1, WireFormat.WireType.LengthDelimited);
                e.WriteString("location");
                e.WriteTag(2, WireFormat.WireType.LengthDelimited);
                e.WriteString(location);
            }));
            t.WriteTag(14, WireFormat.WireType.Varint);
            t.WriteInt32(1); // TensorProto.EXTERNAL
        });
        byte[] graph = Message(w =>
        {
            Field(w, 1, Node("Add", ["x", "w"], ["y"]));
            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("graph");
            Field(w, 5, initializer);
            Field(w, 11, ValueInfo("x", TensorElementType.Float, [2]));
            Field(w, 12, ValueInfo("y", TensorElementType.Float, [2]));
        });
        return Model(graph, ("", 13));
    }

    /// <summary>A one-node model; a dimension of -1 is left open.</summary>
    public static byte[] Build(string opType, (string Name, TensorElementType Type, long[] Shape)[] inputs, (string Name, TensorElementType Type, long[] Shape)[] outputs)
    {
        byte[] node = Message(w =>
        {
            foreach (var input in inputs)
            {
                w.WriteTag(1, WireFormat.WireType.LengthDelimited);
                w.WriteString(input.Name);
            }

            foreach (var output in outputs)
            {
                w.WriteTag(2, WireFormat.WireType.LengthDelimited);
                w.WriteString(output.Name);
            }

            w.WriteTag(4, WireFormat.WireType.LengthDelimited);
            w.WriteString(opType);
        });
        byte[] graph = Message(w =>
        {
            Field(w, 1, node);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("graph");
            foreach (var input in inputs)
            {
                Field(w, 11, ValueInfo(input.Name, input.Type, input.Shape));
            }

            foreach (var output in outputs)
            {
                Field(w, 12, ValueInfo(output.Name, output.Type, output.Shape));
            }
        });
        return Model(graph, ("", 13));
    }

    private static byte[] Node(string opType, string[] inputs, string[] outputs) => OnnxTensorModelBuilder.Node(opType, inputs, outputs);

    internal static byte[] Model(byte[] graph, params (string Domain, long Version)[] opsets) => Message(w =>
    {
        w.WriteTag(1, WireFormat.WireType.Varint);
        w.WriteInt64(8); // IR version 8
        w.WriteTag(2, WireFormat.WireType.LengthDelimited);
        w.WriteString("serverless-tests");
        Field(w, 7, graph);
        foreach (var (domain, version) in opsets)
        {
            Field(w, 8, Message(o =>
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteString(domain);
                o.WriteTag(2, WireFormat.WireType.Varint);
                o.WriteInt64(version);
            }));
        }
    });

    internal static byte[] ValueInfo(string name, TensorElementType elementType, long[] shape)
    {
        byte[] dims = Message(w =>
        {
            foreach (long dim in shape)
            {
                Field(w, 1, Message(d =>
                {
                    if (dim >= 0)
                    {
                        d.WriteTag(1, WireFormat.WireType.Varint);
                        d.WriteInt64(dim);
                    }
                    else
                    {
                        d.WriteTag(2, WireFormat.WireType.LengthDelimited);
                        d.WriteString("n");
                    }
                }));
            }
        });
        byte[] tensorType = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.Varint);
            w.WriteInt32((int)elementType);
            Field(w, 2, dims);
        });
        byte[] type = Message(w => Field(w, 1, tensorType));
        return Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteString(name);
            Field(w, 2, type);
        });
    }

    internal static void Field(CodedOutputStream writer, int number, byte[] message)
    {
        writer.WriteTag(number, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(ByteString.CopyFrom(message));
    }

    internal static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
