using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Serverless.Core.Explanations;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Tests.Explanations;

/// <summary>Small ONNX graphs written with ONNX's own protobuf messages, and rows for them.</summary>
internal static class ExplanationModels
{
    public const int Float = 1;
    public const int StringType = 8;

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Domain = domain, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static TensorProto Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = Float };
        t.FloatData.Add(value);
        return t;
    }

    public static ValueInfoProto Tensor(string name, int type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }

    public static byte[] Model(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, IEnumerable<TensorProto>? initializers = null)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Initializer.AddRange(initializers ?? []);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        return model.ToByteArray();
    }

    public static LoadedModel Load(byte[] onnx) => new(new InferenceSession(onnx));

    /// <summary>Rows (JSON objects) as the explainer reads them, through the records codec.</summary>
    public static FeatureRows Rows(LoadedModel model, IEnumerable<object> rows)
    {
        var elements = rows.Select(r => JsonSerializer.SerializeToElement(r)).ToList();
        var inputs = RecordsCodec.ReadInputs(model, elements);
        try
        {
            return FeatureRows.From(model.RecordsPlan.InputNames, inputs, elements.Count);
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }

    public static ModelExplainer Explainer(byte[] onnx, LoadedModel model, FeatureRows background, int kernelSamples = 512) =>
        ModelExplainer.Create(onnx, model.RecordsPlan, background, "test background", background.Count, kernelSamples);

    /// <summary>Runs <paramref name="output"/> of the model on rows (one number per row, the last of each row's values).</summary>
    public static double[] Run(LoadedModel model, FeatureRows rows, string output)
    {
        var inputs = rows.ToOrtValues(0, rows.Count);
        try
        {
            using var results = model.Session.Run(new RunOptions(), model.RecordsPlan.InputNames, inputs, [output]);
            return ModelOutput.Read(results[0], rows.Count);
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }
}
