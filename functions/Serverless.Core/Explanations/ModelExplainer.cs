using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Explanations;

/// <summary>
/// Explains one model against one background: exactly for a tree ensemble (TreeSHAP on its raw score) or a linear
/// model (coefficient × deviation from the background mean) found in the graph, else by Kernel SHAP on the model's
/// probability or value. Exact attributions are computed per column of the ensemble's or linear model's input (read by
/// running the graph with that tensor as an extra output) and summed per model input; a Platt calibration after the
/// score makes their space log-odds. A classifier of three or more classes is explained per class: a
/// TreeEnsembleClassifier by TreeSHAP on each class's raw score, any other by Kernel SHAP on each class's probability.
/// </summary>
internal sealed class ModelExplainer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly IReadOnlyList<string> _inputs;
    private readonly ExplainableGraph? _graph;
    private readonly TreeEnsemble? _trees;
    private readonly IReadOnlyList<TreeEnsemble>? _classTrees;
    private IReadOnlyList<string>? _classes;
    private double[] _classBaselines = [];
    private readonly double[]? _coefficients;
    private readonly double _intercept;
    private double[]? _means;
    private readonly FeatureRows _kernelBackground;
    private readonly ModelOutput? _output;
    private readonly int _kernelSamples;
    private readonly double _slope = 1;
    private readonly double _offset;

    private ModelExplainer(InferenceSession session, IReadOnlyList<string> inputs, ExplainableGraph? graph, FeatureRows kernelBackground, ModelOutput? output, int kernelSamples)
    {
        _session = session;
        _inputs = inputs;
        _graph = graph;
        _kernelBackground = kernelBackground;
        _output = output;
        _kernelSamples = kernelSamples;
        if (graph?.Calibration is { } calibration)
        {
            (_slope, _offset) = calibration;
        }

        if (graph?.Kind == ExplainableGraph.TreeKind && graph.Node.OpType == "TreeEnsembleClassifier")
        {
            _classTrees = TreeEnsemble.ReadClasses(graph.Node, out var labels, out _);
            _classes = labels;
        }
        else if (graph?.Kind == ExplainableGraph.TreeKind)
        {
            _trees = TreeEnsemble.Read(graph.Node, out _);
        }
        else if (graph?.Kind == ExplainableGraph.LinearKind)
        {
            ExplainableGraph.ReadLinear(graph.Node, out var coefficients, out _intercept, out _);
            _coefficients = coefficients;
        }
    }

    /// <summary><c>tree-shap</c>, <c>linear</c> or <c>kernel-shap</c>.</summary>
    public string Method => _trees is not null || _classTrees is not null ? "tree-shap" : _coefficients is not null ? "linear" : "kernel-shap";

    /// <summary><c>log-odds</c>, <c>raw-score</c>, <c>probability</c> or <c>value</c>.</summary>
    public string Space { get; private set; } = "";

    /// <summary>What the output is, in words.</summary>
    public string SpaceDescription { get; private set; } = "";

    /// <summary>What the baseline is, in words.</summary>
    public string BaselineDescription { get; private set; } = "";

    /// <summary>The expected output over the background, in <see cref="Space"/>.</summary>
    public double Baseline { get; private set; }

    /// <summary>Builds the explainer of <paramref name="onnx"/> against <paramref name="background"/>.</summary>
    /// <param name="onnx">The model's bytes.</param>
    /// <param name="plan">How rows feed the model.</param>
    /// <param name="background">Background rows of the model's inputs.</param>
    /// <param name="backgroundDescription">Where they come from, in words.</param>
    /// <param name="kernelBackgroundRows">How many of them Kernel SHAP uses.</param>
    /// <param name="kernelSamples">The most coalitions Kernel SHAP evaluates per row.</param>
    /// <exception cref="ExplanationUnavailableException">The model cannot be explained.</exception>
    public static ModelExplainer Create(byte[] onnx, RecordsCodec.Plan plan, FeatureRows background, string backgroundDescription, int kernelBackgroundRows, int kernelSamples)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(background);
        var model = ModelProto.Parser.ParseFrom(onnx);
        var inputs = plan.InputNames;
        var widths = plan.Inputs.Select(i => i.Value.Dimensions.Skip(1).Aggregate(1, (w, d) => d < 0 || w < 0 ? -1 : w * d)).ToList();
        var graph = ExplainableGraph.Find(model, inputs, widths, out _);
        if (graph is not null && graph.Kind == ExplainableGraph.TreeKind
            && (graph.Node.OpType == "TreeEnsembleClassifier" ? TreeEnsemble.ReadClasses(graph.Node, out _, out _) is null : TreeEnsemble.Read(graph.Node, out _) is null))
        {
            graph = null;
        }

        // The classes as /predict names them: by label through a ZipMap, else by position.
        bool zipped = model.Graph.Node.Any(n => n.OpType == "ZipMap");

        if (graph is not null && !model.Graph.Output.Any(o => o.Name == graph.InputTensor))
        {
            model.Graph.Output.Add(new ValueInfoProto { Name = graph.InputTensor });
        }

        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, InterOpNumThreads = 1, IntraOpNumThreads = 1 };
        var session = new InferenceSession(model.ToByteArray(), options);
        int kernelRows = Math.Min(kernelBackgroundRows, background.Count);
        var kernelBackground = background.CreateEmpty(kernelRows);
        for (int r = 0; r < kernelRows; r++)
        {
            kernelBackground.CopyRow(background, r, r);
        }

        ModelExplainer explainer;
        try
        {
            explainer = new ModelExplainer(session, inputs, graph, kernelBackground, graph is null ? ModelOutput.For(plan.Roles, model.Graph.Output.Select(o => o.Name)) : null, kernelSamples);
            if (!zipped && explainer._classes is { } labels)
            {
                explainer._classes = [.. labels.Select((_, k) => k.ToString(CultureInfo.InvariantCulture))];
            }

            explainer.Prepare(background, backgroundDescription);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return explainer;
    }

    /// <summary>The background the explainer measures against.</summary>
    public FeatureRows Background { get; private set; } = null!;

    /// <summary>
    /// Global importance: each input's mean absolute attribution over up to <paramref name="rows"/> background rows, and
    /// how many rows that was.
    /// </summary>
    public (IReadOnlyDictionary<string, double> Importance, int Rows) Importance(int rows)
    {
        int count = Math.Min(rows, Background.Count);
        var sample = Background.CreateEmpty(count);
        for (int r = 0; r < count; r++)
        {
            sample.CopyRow(Background, r, r);
        }

        var explained = Explain(sample, CancellationToken.None);
        var importance = _inputs.ToDictionary(name => name, name => explained.Average(e => Math.Abs(e.Attributions[name])), StringComparer.Ordinal);
        return (importance, count);
    }

    /// <summary>Explains every row of <paramref name="rows"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked per row and per model run).</exception>
    public IReadOnlyList<RowExplanation> Explain(FeatureRows rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var explanations = new List<RowExplanation>(rows.Count);
        if (_graph is null)
        {
            for (int r = 0; r < rows.Count; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (phi, output, baseline) = KernelShap.Explain(rows, r, _kernelBackground, coalitions => RunOutput(coalitions, cancellationToken), _kernelSamples, _classes?.Count ?? 1);
                explanations.Add(_classes is { } classes
                    ? RowExplanation.Multiclass([.. classes.Select((name, k) => new ClassExplanation(name, output[k], baseline[k], ByInput(phi[k], i => i)))])
                    : new RowExplanation(output[0], baseline[0], ByInput(phi[0], i => i)));
            }

            return explanations;
        }

        var (x, width) = RunColumns(rows);
        for (int r = 0; r < rows.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = x.AsSpan(r * width, width);
            if (_classTrees is not null)
            {
                var classes = new List<ClassExplanation>(_classTrees.Count);
                for (int k = 0; k < _classTrees.Count; k++)
                {
                    var classPhi = new double[width];
                    TreeShap.Explain(_classTrees[k], row, classPhi);
                    classes.Add(new ClassExplanation(_classes![k], _classTrees[k].Score(row), _classBaselines[k], ByInput(classPhi, j => _graph.Columns[j])));
                }

                explanations.Add(RowExplanation.Multiclass(classes));
                continue;
            }

            var phi = new double[width];
            double margin;
            if (_trees is not null)
            {
                TreeShap.Explain(_trees, row, phi);
                margin = _trees.Score(row);
            }
            else
            {
                margin = _intercept;
                for (int j = 0; j < width; j++)
                {
                    phi[j] = _coefficients![j] * (row[j] - _means![j]);
                    margin += _coefficients[j] * row[j];
                }
            }

            explanations.Add(new RowExplanation(
                (_slope * margin) + _offset,
                Baseline,
                ByInput([.. phi.Select(v => v * _slope)], j => _graph.Columns[j])));
        }

        return explanations;
    }

    public void Dispose() => _session.Dispose();

    private void Prepare(FeatureRows background, string backgroundDescription)
    {
        Background = background;
        string calibrated = _graph?.Calibration is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"log-odds of the positive class: {c.Slope:G6} × the {_graph.Node.OpType}'s score + {c.Offset:G6}, the argument of the model's probability sigmoid")
            : "";
        if (_graph is null)
        {
            // The model's output tells whether it is multiclass, and its classes' names.
            _ = RunOutput(_kernelBackground, CancellationToken.None, learn: true);
            if (_classes is not null && _output!.Space != "probability")
            {
                throw new ExplanationUnavailableException($"The model gives {_classes.Count} values per row; explanations handle classifiers and single-valued regressors.");
            }

            Space = _output!.Space;
            SpaceDescription = _classes is null ? _output.Description : $"probability of each class (output '{_output.Output}'); the predicted class's at the top level, every class's under 'classes'";
            BaselineDescription = $"the expected {_output.Space} over {_kernelBackground.Count} of the {backgroundDescription}";
            return;
        }

        var (x, width) = RunColumns(background);
        if (_classTrees is not null)
        {
            if (_classTrees.Max(t => t.FeatureCount) > width)
            {
                throw new ExplanationUnavailableException($"The tree ensemble splits on a column beyond its input's {width}.");
            }

            foreach (var trees in _classTrees)
            {
                trees.SetCovers(x, width);
            }

            _classBaselines = [.. _classTrees.Select(TreeShap.ExpectedValue)];
            string post = _graph.Node.Attribute.FirstOrDefault(a => a.Name == "post_transform")?.S.ToStringUtf8() ?? "NONE";
            Space = "raw-score";
            SpaceDescription = $"each class's raw score of the TreeEnsembleClassifier (before its {post} post_transform{(post == "SOFTMAX" ? ": the classes' logits, whose softmax is the probabilities" : "")}); the predicted class's at the top level, every class's under 'classes'";
            BaselineDescription = $"each class's expected raw score over the ensemble's node covers, counted from the {backgroundDescription}";
            return;
        }

        if (_trees is not null)
        {
            if (_trees.FeatureCount > width)
            {
                throw new ExplanationUnavailableException($"The tree ensemble splits on column {_trees.FeatureCount - 1} of an input {width} wide.");
            }

            _trees.SetCovers(x, width);
            Baseline = (_slope * TreeShap.ExpectedValue(_trees)) + _offset;
            BaselineDescription = $"the ensemble's expected output over its node covers, counted from the {backgroundDescription}";
        }
        else
        {
            if (_coefficients!.Length != width)
            {
                throw new ExplanationUnavailableException($"The linear model has {_coefficients.Length} coefficients for an input {width} wide.");
            }

            _means = new double[width];
            for (int r = 0; r < background.Count; r++)
            {
                for (int j = 0; j < width; j++)
                {
                    _means[j] += x[(r * width) + j] / background.Count;
                }
            }

            Baseline = (_slope * (_intercept + _coefficients.Zip(_means, (w, m) => w * m).Sum())) + _offset;
            BaselineDescription = $"the linear model's output at the mean of the {backgroundDescription}";
        }

        Space = _graph.Calibration is null ? "raw-score" : "log-odds";
        SpaceDescription = _graph.Calibration is null ? $"the {_graph.Node.OpType}'s raw score (output '{_graph.Node.Output[0]}')" : calibrated;
    }

    private Dictionary<string, double> ByInput(double[] phi, Func<int, int> input)
    {
        var attributions = _inputs.ToDictionary(name => name, _ => 0.0, StringComparer.Ordinal);
        for (int j = 0; j < phi.Length; j++)
        {
            attributions[_inputs[input(j)]] += phi[j];
        }

        return attributions;
    }

    private (float[] X, int Width) RunColumns(FeatureRows rows)
    {
        var inputs = rows.ToOrtValues(0, rows.Count);
        try
        {
            using var run = new RunOptions();
            using var results = _session.Run(run, _inputs, inputs, [_graph!.InputTensor]);
            var info = results[0].GetTensorTypeAndShape();
            int width = checked((int)(info.ElementCount / rows.Count));
            float[] x = info.ElementDataType switch
            {
                TensorElementType.Float => results[0].GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Double => [.. results[0].GetTensorDataAsSpan<double>().ToArray().Select(d => (float)d)],
                var other => throw new ExplanationUnavailableException($"The {_graph.Node.OpType}'s input is of type {other}; explanations read float or double."),
            };
            return (x, width);
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }

    private double[] RunOutput(FeatureRows rows, CancellationToken cancellationToken, bool learn = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var inputs = rows.ToOrtValues(0, rows.Count);
        try
        {
            using var run = new RunOptions();
            using var stop = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, run);
            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = _session.Run(run, _inputs, inputs, [_output!.Output]);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using (results)
            {
                var values = ModelOutput.Read(results[0], rows.Count, out var classes);
                if (learn)
                {
                    _classes = classes;
                }

                return values;
            }
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }
}
