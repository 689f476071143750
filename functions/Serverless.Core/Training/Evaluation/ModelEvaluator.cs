using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Evaluation;

/// <summary>
/// Measures an ONNX model on a holdout with ONNX Runtime, so a candidate and the production champion are held to the
/// same rows and the same arithmetic whoever made them.
/// <para>
/// Inputs: each model input is filled from the holdout's column of the same name, one value per row (shape [N, 1] or
/// [N]): float, double or integer inputs from a numeric column, string inputs from a categorical (or numeric) one.
/// Outputs: binary reads the positive class's probability from an output whose name starts with <c>Probability</c>
/// (or <c>probabilities</c>; of shape [N], [N, 1], or [N, 2] whose second column is taken), otherwise one starting
/// with <c>Score</c> passed through a sigmoid; multiclass reads [N, classes] from a <c>Probability</c>/<c>probabilities</c>
/// or <c>Score</c> output, used as they are when each row sums to about 1, divided by their sum when they are all
/// non-negative, and softmaxed otherwise; regression reads <c>Score</c> ([N] or [N, 1]) or the model's only numeric output.
/// </para>
/// <para>
/// Metrics (<see cref="MetricNames"/>): binary AUC (rank-based, ties counting half), accuracy, F1, precision and recall
/// with a probability of 0.5 or more meaning positive, and log-loss (natural logarithm, probabilities clipped to
/// [1e-15, 1 − 1e-15]); multiclass macro-F1 (over the classes that occur in the truth or the predictions), accuracy and
/// log-loss; regression RMSE, MAE and R². A metric that is undefined on the rows (AUC with one class, precision with no
/// positive prediction, R² with a constant label) is left out. Per protected group the same metrics, plus for binary
/// the positive-prediction rate and the true-positive rate. Fairness (disparate impact, equal-opportunity difference)
/// is reported for binary tasks only: multiclass and regression reports carry the groups' metrics and no fairness entry.
/// Nothing is rounded.
/// </para>
/// </summary>
public sealed class ModelEvaluator
{
    private const int BatchRows = 1024;

    /// <summary>Evaluates the ONNX model at <paramref name="onnxPath"/> on <paramref name="holdout"/> for <paramref name="task"/>.</summary>
    /// <exception cref="ModelIncompatibleException">The model takes an input the holdout lacks or cannot fill, or has no output the task can be read from.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load or run the model.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A service hosts inject.")]
    public EvaluationReport Evaluate(string onnxPath, TrainingTable holdout, string task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        using var options = SessionOptions();
        using var session = new InferenceSession(onnxPath, options);
        return Evaluate(session, holdout, task, cancellationToken);
    }

    /// <summary>Evaluates the ONNX model <paramref name="onnx"/> on <paramref name="holdout"/> for <paramref name="task"/>.</summary>
    /// <exception cref="ModelIncompatibleException">The model takes an input the holdout lacks or cannot fill, or has no output the task can be read from.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load or run the model.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A service hosts inject.")]
    public EvaluationReport Evaluate(byte[] onnx, TrainingTable holdout, string task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        using var options = SessionOptions();
        using var session = new InferenceSession(onnx, options);
        return Evaluate(session, holdout, task, cancellationToken);
    }

    // ML.NET's exported one-hot encoders make ONNX Runtime warn about a shape it then merges leniently; only errors matter here.
    private static SessionOptions SessionOptions()
    {
        OnnxRuntimeLogging.EnsureErrorsOnly();
        return new() { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
    }

    private static EvaluationReport Evaluate(InferenceSession session, TrainingTable holdout, string task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        if (task is not (ModelTasks.Binary or ModelTasks.Multiclass or ModelTasks.Regression))
        {
            throw new ArgumentException($"Unknown task '{task}'.", nameof(task));
        }

        if (holdout.RowCount == 0)
        {
            throw new InvalidOperationException("The holdout has no rows to evaluate on.");
        }

        var inputs = BindInputs(session, holdout);
        var (outputName, read) = ChooseOutput(session, task, holdout.Classes.Count);
        int width = task == ModelTasks.Multiclass ? holdout.Classes.Count : 1;
        var predictions = new double[holdout.RowCount * width];
        for (int start = 0; start < holdout.RowCount; start += BatchRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BatchRows, holdout.RowCount - start);
            var values = inputs.Select(input => input.Create(start, count)).ToList();
            using var results = session.Run(values, [outputName]);
            var output = Values(results[0]);
            if (output.Length != count * read.Width)
            {
                throw new ModelIncompatibleException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The model's output '{outputName}' gave {output.Length} values for {count} rows; expected {read.Width} per row."));
            }

            read.Convert(output, predictions.AsSpan(start * width, count * width));
        }

        return MetricCalculator.Report(holdout, task, predictions);
    }

    private static List<InputBinding> BindInputs(InferenceSession session, TrainingTable holdout)
    {
        var missing = new List<string>();
        var problems = new List<string>();
        var bindings = new List<InputBinding>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            var numeric = holdout.Numeric.FirstOrDefault(c => c.Name == name);
            var categorical = holdout.Categorical.FirstOrDefault(c => c.Name == name);
            if (numeric is null && categorical is null)
            {
                missing.Add(name);
                continue;
            }

            int[] dims = meta.Dimensions;
            if (!meta.IsTensor || dims.Length is < 1 or > 2 || (dims.Length == 2 && dims[1] != 1))
            {
                problems.Add($"the input '{name}' takes a {(meta.IsTensor ? $"tensor of shape [{string.Join(", ", dims)}]" : meta.OnnxValueType.ToString())}, not one value per row");
                continue;
            }

            InputBinding? binding = (meta.ElementDataType, numeric, categorical) switch
            {
                (TensorElementType.Float, { } n, _) => new InputBinding(name, dims.Length, (s, c) => n.Values.AsSpan(s, c).ToArray()),
                (TensorElementType.Double, { } n, _) => new InputBinding(name, dims.Length, (s, c) => n.Values.AsSpan(s, c).ToArray().Select(v => (double)v).ToArray()),
                (TensorElementType.Int64, { } n, _) => new InputBinding(name, dims.Length, (s, c) => n.Values.AsSpan(s, c).ToArray().Select(v => (long)MathF.Round(v)).ToArray()),
                (TensorElementType.Int32, { } n, _) => new InputBinding(name, dims.Length, (s, c) => n.Values.AsSpan(s, c).ToArray().Select(v => (int)MathF.Round(v)).ToArray()),
                (TensorElementType.String, _, { } t) => new InputBinding(name, dims.Length, (s, c) => t.Values.AsSpan(s, c).ToArray()),
                (TensorElementType.String, { } n, _) => new InputBinding(name, dims.Length, (s, c) => n.Values.AsSpan(s, c).ToArray()
                    .Select(v => float.IsNaN(v) ? "" : v.ToString(CultureInfo.InvariantCulture)).ToArray()),
                _ => null,
            };
            if (binding is null)
            {
                problems.Add($"the input '{name}' takes {meta.ElementDataType} values but the data's column is {(numeric is not null ? "numeric" : "categorical")}");
            }
            else
            {
                bindings.Add(binding);
            }
        }

        if (missing.Count > 0)
        {
            throw new ModelIncompatibleException(
                $"The model takes inputs the data has no column for: {string.Join(", ", missing.Select(m => $"'{m}'"))}. It was trained on other columns, so it cannot be compared on this holdout.",
                missing);
        }

        if (problems.Count > 0)
        {
            throw new ModelIncompatibleException($"The model cannot be run on this data: {string.Join("; ", problems)}.");
        }

        return bindings;
    }

    private static (string Name, OutputReader Read) ChooseOutput(InferenceSession session, string task, int classes)
    {
        var numeric = session.OutputMetadata
            .Where(o => o.Value.IsTensor && o.Value.ElementDataType is TensorElementType.Float or TensorElementType.Double)
            .ToList();
        string? Find(string prefix) => numeric.FirstOrDefault(o => o.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Key;
        int Last(string name) => session.OutputMetadata[name].Dimensions is { Length: > 1 } d ? d[^1] : 1;

        switch (task)
        {
            case ModelTasks.Binary:
                if (Find("Probabilit") is { } probability)
                {
                    return Last(probability) == 2
                        ? (probability, new OutputReader(2, (values, into) => Column(values, 2, 1, into, p => p)))
                        : (probability, new OutputReader(1, (values, into) => Column(values, 1, 0, into, p => p)));
                }

                if (Find("Score") is { } score)
                {
                    return Last(score) == 2
                        ? (score, new OutputReader(2, (values, into) => Column(values, 2, 1, into, Sigmoid)))
                        : (score, new OutputReader(1, (values, into) => Column(values, 1, 0, into, Sigmoid)));
                }

                break;
            case ModelTasks.Multiclass:
                if ((Find("Probabilit") ?? Find("Score")) is { } vector)
                {
                    return (vector, new OutputReader(classes, (values, into) => Distributions(values, classes, into)));
                }

                break;
            default:
                if ((Find("Score") ?? (numeric.Count == 1 ? numeric[0].Key : null)) is { } value)
                {
                    return (value, new OutputReader(1, (values, into) => Column(values, 1, 0, into, v => v)));
                }

                break;
        }

        throw new ModelIncompatibleException(
            $"The model has no output a {task} evaluation can read (a float tensor named Probability… or Score…); its outputs: {string.Join(", ", session.OutputMetadata.Keys)}.");
    }

    private static double[] Values(DisposableNamedOnnxValue value) => value.ElementType switch
    {
        TensorElementType.Float => [.. value.AsTensor<float>().Select(v => (double)v)],
        _ => [.. value.AsTensor<double>()],
    };

    private static void Column(double[] values, int width, int column, Span<double> into, Func<double, double> map)
    {
        for (int row = 0; row < into.Length; row++)
        {
            into[row] = map(values[(row * width) + column]);
        }
    }

    private static double Sigmoid(double score) => 1 / (1 + Math.Exp(-score));

    private static void Distributions(double[] values, int classes, Span<double> into)
    {
        for (int row = 0; row * classes < into.Length; row++)
        {
            var source = values.AsSpan(row * classes, classes);
            var target = into.Slice(row * classes, classes);
            double sum = 0;
            bool nonNegative = true;
            foreach (double v in source)
            {
                sum += v;
                nonNegative &= v >= 0;
            }

            if (nonNegative && Math.Abs(sum - 1) <= 1e-3)
            {
                source.CopyTo(target);
            }
            else if (nonNegative && sum > 0)
            {
                for (int k = 0; k < classes; k++)
                {
                    target[k] = source[k] / sum;
                }
            }
            else
            {
                double max = double.NegativeInfinity;
                foreach (double v in source)
                {
                    max = Math.Max(max, v);
                }

                double total = 0;
                for (int k = 0; k < classes; k++)
                {
                    target[k] = Math.Exp(source[k] - max);
                    total += target[k];
                }

                for (int k = 0; k < classes; k++)
                {
                    target[k] /= total;
                }
            }
        }
    }

    private delegate void Converter(double[] values, Span<double> into);

    private sealed record OutputReader(int Width, Converter Convert);

    private sealed record InputBinding(string Name, int Rank, Func<int, int, Array> Slice)
    {
        public NamedOnnxValue Create(int start, int count)
        {
            int[] shape = Rank == 2 ? [count, 1] : [count];
            return Slice(start, count) switch
            {
                float[] v => NamedOnnxValue.CreateFromTensor(Name, new DenseTensor<float>(v, shape)),
                double[] v => NamedOnnxValue.CreateFromTensor(Name, new DenseTensor<double>(v, shape)),
                long[] v => NamedOnnxValue.CreateFromTensor(Name, new DenseTensor<long>(v, shape)),
                int[] v => NamedOnnxValue.CreateFromTensor(Name, new DenseTensor<int>(v, shape)),
                string[] v => NamedOnnxValue.CreateFromTensor(Name, new DenseTensor<string>(v, shape)),
                _ => throw new InvalidOperationException("Unexpected input array."),
            };
        }
    }
}
