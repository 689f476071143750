using Onnx;

namespace Serverless.Core.Explanations;

/// <summary>
/// What of a model's ONNX graph an exact method can explain: the one tree ensemble (<c>TreeEnsembleRegressor</c>, or a
/// <c>TreeEnsembleClassifier</c> of three or more classes, explained per class) or
/// linear model (<c>LinearRegressor</c>) every output depends on, which input each column of its input comes from
/// (through per-column steps such as Imputer, Cast, Scaler and one-hot encoding of one input, and FeatureVectorizer or
/// Concat joining them), and the Platt calibration (Mul, Add, Sigmoid) ML.NET puts after a binary classifier's score,
/// which makes the score's scale log-odds.
/// </summary>
internal sealed class ExplainableGraph
{
    private const int Mixed = -2;

    // Steps that keep each column where it is, so a column still comes from the same input.
    private static readonly HashSet<string> ColumnWise = new(StringComparer.Ordinal)
    {
        "Identity", "Cast", "Scaler", "Imputer", "Binarizer", "Add", "Sub", "Mul", "Div", "Abs", "Neg", "Clip", "Relu",
        "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Floor", "Ceil", "Round",
    };

    private ExplainableGraph(NodeProto node, string kind, int[] columns, (double Slope, double Offset)? calibration)
    {
        Node = node;
        Kind = kind;
        Columns = columns;
        Calibration = calibration;
    }

    /// <summary><see cref="TreeKind"/> or <see cref="LinearKind"/>.</summary>
    public string Kind { get; }

    /// <summary>The tree ensemble or linear node.</summary>
    public NodeProto Node { get; }

    /// <summary>The tensor the node reads: its input.</summary>
    public string InputTensor => Node.Input[0];

    /// <summary>For each column of <see cref="InputTensor"/>, the index of the model input it comes from.</summary>
    public IReadOnlyList<int> Columns { get; }

    /// <summary>When the score feeds <c>Sigmoid(score × Slope + Offset)</c>: the slope and offset (the score's log-odds).</summary>
    public (double Slope, double Offset)? Calibration { get; }

    /// <summary>A tree ensemble.</summary>
    public const string TreeKind = "tree";

    /// <summary>A linear model.</summary>
    public const string LinearKind = "linear";

    /// <summary>Finds the explainable part of <paramref name="model"/>; null (with the reason) when there is none.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The model inputs rows feed, in the records plan's order.</param>
    /// <param name="inputWidths">Each input's values per row, or -1 where the graph leaves it open.</param>
    /// <param name="problem">Why none was found.</param>
    public static ExplainableGraph? Find(ModelProto model, IReadOnlyList<string> inputs, IReadOnlyList<int> inputWidths, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var candidates = graph.Node.Where(n => n.OpType is "TreeEnsembleRegressor" or "TreeEnsembleClassifier" or "LinearRegressor").ToList();
        if (candidates.Count != 1)
        {
            problem = candidates.Count == 0
                ? "the graph has no TreeEnsembleRegressor, TreeEnsembleClassifier or LinearRegressor"
                : "the graph has more than one tree ensemble or linear model";
            return null;
        }

        var node = candidates[0];
        if (node.OpType == "LinearRegressor" && !ReadLinear(node, out _, out _, out problem))
        {
            return null;
        }

        var constants = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var provenance = new Dictionary<string, Provenance>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Count; i++)
        {
            provenance[inputs[i]] = inputWidths[i] > 0 ? new Provenance(i, [.. Enumerable.Repeat(i, inputWidths[i])]) : new Provenance(i, null);
        }

        // The nodes of an ONNX graph are in topological order.
        foreach (var step in graph.Node)
        {
            if (ReferenceEquals(step, node))
            {
                break;
            }

            var sources = step.Input.Where(name => name.Length > 0 && !constants.Contains(name))
                .Select(name => provenance.TryGetValue(name, out var p) ? p : new Provenance(Mixed, null)).ToList();
            Provenance output;
            if (step.OpType == "FeatureVectorizer")
            {
                var dims = step.Attribute.FirstOrDefault(a => a.Name == "inputdimensions")?.Ints.ToList() ?? [];
                output = dims.Count == sources.Count ? Join(sources, dims) : new Provenance(Mixed, null);
            }
            else if (step.OpType == "Concat" && step.Attribute.FirstOrDefault(a => a.Name == "axis") is { I: 1 or -1 })
            {
                output = sources.All(s => s.Columns is not null) ? Join(sources, [.. sources.Select(s => (long)s.Columns!.Length)]) : new Provenance(Mixed, null);
            }
            else if (sources.Count == 1 && ColumnWise.Contains(step.OpType))
            {
                output = sources[0];
            }
            else
            {
                // Any other step: its outputs come from its inputs' one source, or are mixed.
                var distinct = sources.Where(s => s.Source != Mixed).SelectMany(s => s.Columns ?? [s.Source]).Distinct().ToList();
                output = distinct.Count == 1 && sources.All(s => s.Source != Mixed) ? new Provenance(distinct[0], null) : new Provenance(Mixed, null);
            }

            foreach (string name in step.Output)
            {
                provenance[name] = output;
            }
        }

        if (!provenance.TryGetValue(node.Input[0], out var columns) || columns.Source == Mixed || columns.Columns is null)
        {
            problem = $"the columns of the {node.OpType}'s input cannot all be traced to single model inputs";
            return null;
        }

        problem = null;
        return new ExplainableGraph(
            node, node.OpType == "LinearRegressor" ? LinearKind : TreeKind, columns.Columns, node.OpType == "TreeEnsembleClassifier" ? null : FindCalibration(graph, node.Output[0]));
    }

    /// <summary>Reads a one-target, untransformed LinearRegressor's coefficients and intercept.</summary>
    public static bool ReadLinear(NodeProto node, out double[] coefficients, out double intercept, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(node);
        var attributes = node.Attribute.ToDictionary(a => a.Name, StringComparer.Ordinal);
        coefficients = attributes.TryGetValue("coefficients", out var c) ? [.. c.Floats.Select(f => (double)f)] : [];
        intercept = attributes.TryGetValue("intercepts", out var b) && b.Floats.Count > 0 ? b.Floats[0] : 0;
        problem = null;
        if (attributes.TryGetValue("targets", out var targets) && targets.I != 1)
        {
            problem = "the linear model has more than one target";
        }
        else if (attributes.TryGetValue("post_transform", out var post) && post.S.ToStringUtf8() != "NONE")
        {
            problem = "the linear model has a post_transform";
        }

        return problem is null;
    }

    private static Provenance Join(List<Provenance> sources, List<long> widths)
    {
        var columns = new List<int>();
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i].Source == Mixed || (sources[i].Columns is { } known && known.Length != widths[i]))
            {
                return new Provenance(Mixed, null);
            }

            columns.AddRange(sources[i].Columns ?? Enumerable.Repeat(sources[i].Source, (int)widths[i]));
        }

        return new Provenance(0, [.. columns]);
    }

    private static (double, double)? FindCalibration(GraphProto graph, string score)
    {
        double? Constant(string name) => graph.Initializer.FirstOrDefault(i => i.Name == name) is { } t
            ? t.FloatData.Count == 1 ? t.FloatData[0] : t.RawData.Length == 4 ? BitConverter.ToSingle(t.RawData.Span) : null
            : null;
        NodeProto? Consumer(string tensor, string op) => graph.Node.FirstOrDefault(n => n.OpType == op && n.Input.Contains(tensor));

        if (Consumer(score, "Mul") is not { } mul || mul.Input.FirstOrDefault(i => i != score) is not { } slopeName || Constant(slopeName) is not { } slope
            || Consumer(mul.Output[0], "Add") is not { } add || add.Input.FirstOrDefault(i => i != mul.Output[0]) is not { } offsetName || Constant(offsetName) is not { } offset
            || Consumer(add.Output[0], "Sigmoid") is null)
        {
            return null;
        }

        return (slope, offset);
    }

    private sealed record Provenance(int Source, int[]? Columns);
}
