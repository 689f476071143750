using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Testing;

/// <summary>
/// ONNX models that carry tensors (initializers, Constant attributes, subgraphs, functions), written in the ONNX
/// protobuf wire format like <see cref="OnnxModelBuilder"/>: large models, and models whose tensors name external data
/// files, which the registry must refuse. Field numbers are those of onnx.proto's TensorProto, AttributeProto,
/// NodeProto, GraphProto, FunctionProto and ModelProto.
/// </summary>
public static class OnnxTensorModelBuilder
{
    private const int AttributeTensor = 4;
    private const int AttributeGraph = 5;

    /// <summary>
    /// <c>y = x + w</c> over float [<paramref name="count"/>], <c>w</c> an initializer of <paramref name="count"/>
    /// floats stored in the file (so the file is a little over 4 × count bytes), or, with
    /// <paramref name="externalLocation"/>, stored as external data in that file.
    /// </summary>
    public static byte[] AddWeights(int count, string? externalLocation = null)
    {
        byte[] graph = Graph(
            "weights",
            [Node("Add", ["x", "w"], ["y"])],
            [("x", [count])],
            [("y", [count])],
            initializers: [Tensor("w", [count], externalLocation, new byte[count * sizeof(float)])]);
        return OnnxModelBuilder.Model(graph, ("", 13));
    }

    /// <summary><c>y = x + c</c> over float [1], <c>c</c> the output of a Constant node whose <c>value</c> is external data in <paramref name="location"/>.</summary>
    public static byte[] ConstantFromExternal(string location)
    {
        byte[] constant = Node("Constant", [], ["c"], name: "constant", attributes: [TensorAttribute("value", Tensor("c_value", [1], location, new byte[4]))]);
        byte[] graph = Graph("constant", [constant, Node("Add", ["x", "c"], ["y"])], [("x", [1])], [("y", [1])]);
        return OnnxModelBuilder.Model(graph, ("", 13));
    }

    /// <summary>
    /// An If node choosing between two subgraphs that each output a [1] float initializer; the then-branch's
    /// initializer <c>secret</c> is external data in <paramref name="location"/>.
    /// </summary>
    public static byte[] IfWithExternalSubgraph(string location)
    {
        byte[] thenBranch = Graph("then_branch", [Node("Identity", ["secret"], ["then_out"])], [], [("then_out", [1])],
            initializers: [Tensor("secret", [1], location, new byte[4])]);
        byte[] elseBranch = Graph("else_branch", [Node("Identity", ["zero"], ["else_out"])], [], [("else_out", [1])],
            initializers: [Tensor("zero", [1], null, new byte[4])]);
        byte[] ifNode = Node("If", ["cond"], ["y"], name: "choose",
            attributes: [GraphAttribute("then_branch", thenBranch), GraphAttribute("else_branch", elseBranch)]);
        byte[] graph = OnnxModelBuilder.Message(w =>
        {
            OnnxModelBuilder.Field(w, 1, ifNode);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString("if");
            OnnxModelBuilder.Field(w, 11, OnnxModelBuilder.ValueInfo("cond", TensorElementType.Bool, []));
            OnnxModelBuilder.Field(w, 12, OnnxModelBuilder.ValueInfo("y", TensorElementType.Float, [1]));
        });
        return OnnxModelBuilder.Model(graph, ("", 13));
    }

    /// <summary>
    /// A model whose graph calls a model-local function <c>custom.AddSecret</c> (ModelProto.functions) whose body has a
    /// Constant node with external data in <paramref name="location"/>.
    /// </summary>
    public static byte[] FunctionWithExternalConstant(string location)
    {
        byte[] function = OnnxModelBuilder.Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited);
            w.WriteString("AddSecret");
            w.WriteTag(4, WireFormat.WireType.LengthDelimited);
            w.WriteString("a");
            w.WriteTag(5, WireFormat.WireType.LengthDelimited);
            w.WriteString("out");
            OnnxModelBuilder.Field(w, 7, Node("Constant", [], ["k"], name: "secret", attributes: [TensorAttribute("value", Tensor("k_value", [1], location, new byte[4]))]));
            OnnxModelBuilder.Field(w, 7, Node("Add", ["a", "k"], ["out"]));
            OnnxModelBuilder.Field(w, 9, OperatorSet("", 13));
            w.WriteTag(10, WireFormat.WireType.LengthDelimited);
            w.WriteString("custom");
        });
        byte[] graph = Graph("calls", [Node("AddSecret", ["x"], ["y"], domain: "custom")], [("x", [1])], [("y", [1])]);
        byte[] model = OnnxModelBuilder.Model(graph, ("", 13), ("custom", 1));
        return [.. model, .. OnnxModelBuilder.Message(w => OnnxModelBuilder.Field(w, 25, function))];
    }

    private static byte[] Graph(string name, byte[][] nodes, (string Name, long[] Shape)[] inputs, (string Name, long[] Shape)[] outputs, byte[][]? initializers = null) =>
        OnnxModelBuilder.Message(w =>
        {
            foreach (byte[] node in nodes)
            {
                OnnxModelBuilder.Field(w, 1, node);
            }

            w.WriteTag(2, WireFormat.WireType.LengthDelimited);
            w.WriteString(name);
            foreach (byte[] initializer in initializers ?? [])
            {
                OnnxModelBuilder.Field(w, 5, initializer);
            }

            foreach (var input in inputs)
            {
                OnnxModelBuilder.Field(w, 11, OnnxModelBuilder.ValueInfo(input.Name, TensorElementType.Float, input.Shape));
            }

            foreach (var output in outputs)
            {
                OnnxModelBuilder.Field(w, 12, OnnxModelBuilder.ValueInfo(output.Name, TensorElementType.Float, output.Shape));
            }
        });

    internal static byte[] Node(string opType, string[] inputs, string[] outputs, string? name = null, byte[][]? attributes = null, string? domain = null) =>
        OnnxModelBuilder.Message(w =>
        {
            foreach (string input in inputs)
            {
                w.WriteTag(1, WireFormat.WireType.LengthDelimited);
                w.WriteString(input);
            }

            foreach (string output in outputs)
            {
                w.WriteTag(2, WireFormat.WireType.LengthDelimited);
                w.WriteString(output);
            }

            if (name is not null)
            {
                w.WriteTag(3, WireFormat.WireType.LengthDelimited);
                w.WriteString(name);
            }

            w.WriteTag(4, WireFormat.WireType.LengthDelimited);
            w.WriteString(opType);
            foreach (byte[] attribute in attributes ?? [])
            {
                OnnxModelBuilder.Field(w, 5, attribute);
            }

            if (domain is not null)
            {
                w.WriteTag(7, WireFormat.WireType.LengthDelimited);
                w.WriteString(domain);
            }
        });

    /// <summary>A float tensor: its bytes in raw_data, or, with <paramref name="externalLocation"/>, a reference to that file.</summary>
    private static byte[] Tensor(string name, long[] dims, string? externalLocation, byte[] data) =>
        OnnxModelBuilder.Message(w =>
        {
            foreach (long dim in dims)
            {
                w.WriteTag(1, WireFormat.WireType.Varint);
                w.WriteInt64(dim);
            }

            w.WriteTag(2, WireFormat.WireType.Varint);
            w.WriteInt32((int)TensorElementType.Float);
            w.WriteTag(8, WireFormat.WireType.LengthDelimited);
            w.WriteString(name);
            if (externalLocation is null)
            {
                w.WriteTag(9, WireFormat.WireType.LengthDelimited);
                w.WriteBytes(ByteString.CopyFrom(data));
                return;
            }

            OnnxModelBuilder.Field(w, 13, Entry("location", externalLocation));
            OnnxModelBuilder.Field(w, 13, Entry("offset", "0"));
            OnnxModelBuilder.Field(w, 13, Entry("length", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            w.WriteTag(14, WireFormat.WireType.Varint);
            w.WriteInt32(1); // DataLocation.EXTERNAL
        });

    private static byte[] TensorAttribute(string name, byte[] tensor) => OnnxModelBuilder.Message(w =>
    {
        w.WriteTag(1, WireFormat.WireType.LengthDelimited);
        w.WriteString(name);
        OnnxModelBuilder.Field(w, 5, tensor);
        w.WriteTag(20, WireFormat.WireType.Varint);
        w.WriteInt32(AttributeTensor);
    });

    private static byte[] GraphAttribute(string name, byte[] graph) => OnnxModelBuilder.Message(w =>
    {
        w.WriteTag(1, WireFormat.WireType.LengthDelimited);
        w.WriteString(name);
        OnnxModelBuilder.Field(w, 6, graph);
        w.WriteTag(20, WireFormat.WireType.Varint);
        w.WriteInt32(AttributeGraph);
    });

    private static byte[] Entry(string key, string value) => OnnxModelBuilder.Message(w =>
    {
        w.WriteTag(1, WireFormat.WireType.LengthDelimited);
        w.WriteString(key);
        w.WriteTag(2, WireFormat.WireType.LengthDelimited);
        w.WriteString(value);
    });

    private static byte[] OperatorSet(string domain, long version) => OnnxModelBuilder.Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited);
        o.WriteString(domain);
        o.WriteTag(2, WireFormat.WireType.Varint);
        o.WriteInt64(version);
    });
}
