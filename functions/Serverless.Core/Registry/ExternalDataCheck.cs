using Google.Protobuf;
using Onnx;

namespace Serverless.Core.Registry;

/// <summary>
/// Refuses ONNX models that keep any tensor outside the file (<c>TensorProto.data_location = EXTERNAL</c>). ONNX Runtime
/// resolves such a tensor's <c>location</c> against the model's directory, or the process's working directory when
/// the model is loaded from bytes, so a model naming <c>local.settings.json</c> would read the server's own files into
/// its weights. The registry stores single-file models only; serving checks again before it creates a session.
/// </summary>
internal static class ExternalDataCheck
{
    /// <summary>Throws unless every tensor of the model at <paramref name="modelPath"/> is stored inside the file.</summary>
    /// <exception cref="InvalidModelException">The file is not an ONNX model, or a tensor is external; the message names it.</exception>
    public static void EnsureSelfContained(string modelPath)
    {
        using var file = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        EnsureSelfContained(file);
    }

    /// <summary>Throws unless every tensor of the serialized model in <paramref name="model"/> is stored inside it.</summary>
    /// <exception cref="InvalidModelException">The bytes are not an ONNX model, or a tensor is external; the message names it.</exception>
    public static void EnsureSelfContained(Stream model)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidModelException($"The file is not an ONNX model: it does not parse as an ONNX ModelProto ({ex.Message}).", ex);
        }

        foreach (var (tensor, where) in Tensors(proto))
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            {
                string location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "(no location)";
                throw new InvalidModelException(
                    $"The model is not self-contained: tensor '{tensor.Name}' ({where}) is stored as external data in '{location}'. " +
                    "The registry stores single-file models: save the model with every tensor inside the .onnx file " +
                    "(for example onnx.save_model(model, path, save_as_external_data=False)) and register that file.");
            }
        }
    }

    /// <summary>Every tensor the model holds, wherever it is, with a description of where.</summary>
    private static IEnumerable<(TensorProto Tensor, string Where)> Tensors(ModelProto model)
    {
        IEnumerable<(TensorProto, string)> all = model.Graph is { } graph ? Graph(graph, $"graph '{graph.Name}'") : [];
        foreach (var function in model.Functions)
        {
            string scope = $"function '{function.Domain}.{function.Name}'";
            all = all.Concat(function.AttributeProto.SelectMany(a => Attribute(a, $"default of attribute '{a.Name}' of {scope}")));
            all = all.Concat(Nodes(function.Node, scope));
        }

        foreach (var (training, index) in model.TrainingInfo.Select((t, i) => (t, i)))
        {
            if (training.Initialization is { } initialization)
            {
                all = all.Concat(Graph(initialization, $"training_info[{index}].initialization"));
            }

            if (training.Algorithm is { } algorithm)
            {
                all = all.Concat(Graph(algorithm, $"training_info[{index}].algorithm"));
            }
        }

        return all;
    }

    private static IEnumerable<(TensorProto, string)> Graph(GraphProto graph, string scope) =>
        graph.Initializer.Select(t => (t, $"initializer of {scope}"))
            .Concat(graph.SparseInitializer.SelectMany(s => Sparse(s, $"sparse initializer of {scope}")))
            .Concat(Nodes(graph.Node, scope));

    private static IEnumerable<(TensorProto, string)> Nodes(IEnumerable<NodeProto> nodes, string scope) =>
        nodes.SelectMany(n => n.Attribute.SelectMany(a =>
            Attribute(a, $"attribute '{a.Name}' of node '{(n.Name.Length > 0 ? n.Name : n.OpType)}' in {scope}")));

    private static IEnumerable<(TensorProto, string)> Attribute(AttributeProto attribute, string where)
    {
        var tensors = new List<(TensorProto, string)>();
        if (attribute.T is { } t)
        {
            tensors.Add((t, where));
        }

        tensors.AddRange(attribute.Tensors.Select(x => (x, where)));
        if (attribute.SparseTensor is { } sparse)
        {
            tensors.AddRange(Sparse(sparse, where));
        }

        tensors.AddRange(attribute.SparseTensors.SelectMany(s => Sparse(s, where)));
        IEnumerable<(TensorProto, string)> all = tensors;
        if (attribute.G is { } g)
        {
            all = all.Concat(Graph(g, $"subgraph '{g.Name}' of {where}"));
        }

        return all.Concat(attribute.Graphs.SelectMany(s => Graph(s, $"subgraph '{s.Name}' of {where}")));
    }

    private static IEnumerable<(TensorProto, string)> Sparse(SparseTensorProto sparse, string where)
    {
        if (sparse.Values is { } values)
        {
            yield return (values, $"values of {where}");
        }

        if (sparse.Indices is { } indices)
        {
            yield return (indices, $"indices of {where}");
        }
    }
}
