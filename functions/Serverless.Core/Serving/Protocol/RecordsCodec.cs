using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// The records API's mapping between rows of named features and a model's graph. Each feature feeds the input of the
/// same name (a scalar, or an array for an input wider than one value per row); rows are batched along the first
/// dimension when the graph leaves it open, else run one by one. The outputs are read by their conventional names:
/// <c>PredictedLabel</c>/<c>label</c>/<c>output_label</c> give the label, <c>Probability</c>/<c>probabilities</c>/
/// <c>output_probability</c> the probabilities, and a model with neither gives its first of <c>Score</c>/
/// <c>variable</c>/<c>value</c>/<c>prediction</c> (else its first output) as the value.
/// </summary>
internal static class RecordsCodec
{
    private static readonly string[] LabelNames = ["predictedlabel", "label", "output_label"];
    private static readonly string[] ProbabilityNames = ["probability", "probabilities", "output_probability"];
    private static readonly string[] ValueNames = ["score", "variable", "value", "prediction", "predictions", "output"];

    /// <summary>The row groups one run each takes: all rows at once when the graph batches, else one row per run.</summary>
    /// <exception cref="InvalidInferenceRequestException">The rows do not fit the model; the message says why.</exception>
    public static IEnumerable<IReadOnlyList<JsonElement>> Batches(LoadedModel model, IReadOnlyList<JsonElement> rows)
    {
        var session = model.Session;
        var plan = model.RecordsPlan;
        if (plan.HasNonTensorInputs)
        {
            throw new InvalidInferenceRequestException("This model has non-tensor inputs, which rows of features cannot feed; use /v2/models/{name}/infer.");
        }

        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInferenceRequestException($"Row {r} is not an object of feature names to values.");
            }

            foreach (var feature in rows[r].EnumerateObject())
            {
                if (!session.InputMetadata.ContainsKey(feature.Name))
                {
                    throw new InvalidInferenceRequestException($"Row {r} has feature '{feature.Name}', which the model does not take. Its features are: {string.Join(", ", session.InputNames)}.");
                }
            }
        }

        if (plan.HasFixedBatchAboveOne)
        {
            throw new InvalidInferenceRequestException("The model's first dimension is fixed above 1, so its rows cannot be told apart; use /v2/models/{name}/infer.");
        }

        return plan.Batched ? [rows] : rows.Select(row => (IReadOnlyList<JsonElement>)[row]);
    }

    /// <summary>The input tensors of one batch of rows, in the order of <see cref="Plan.InputNames"/>; the caller disposes them.</summary>
    /// <exception cref="InvalidInferenceRequestException">A row lacks a feature or a value does not fit.</exception>
    public static List<OrtValue> ReadInputs(LoadedModel model, IReadOnlyList<JsonElement> rows)
    {
        var plan = model.RecordsPlan;
        var values = new List<OrtValue>(plan.Inputs.Count);
        try
        {
            foreach (var (name, spec) in plan.Inputs)
            {
                values.Add(ReadFeature(name, spec, rows, model.Session.InputNames));
            }

            return values;
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }

    /// <summary>Writes one prediction object per row from the outputs of <see cref="OutputRoles.Outputs"/>.</summary>
    public static void WritePredictions(Utf8JsonWriter writer, LoadedModel model, IReadOnlyList<OrtValue> results, int rowCount, Func<string> newPredictionId)
    {
        var roles = model.RecordsPlan.Roles;
        var label = roles.Label is null ? null : results[roles.Outputs.IndexOf(roles.Label)];
        var probabilities = roles.Probabilities is null ? null : results[roles.Outputs.IndexOf(roles.Probabilities)];
        var value = roles.Value is null ? null : results[roles.Outputs.IndexOf(roles.Value)];
        bool booleanLabel = label is { OnnxType: OnnxValueType.ONNX_TYPE_TENSOR } &&
            label.GetTensorTypeAndShape().ElementDataType == TensorElementType.Bool;
        for (int r = 0; r < rowCount; r++)
        {
            writer.WriteStartObject();
            writer.WriteString("prediction_id", newPredictionId());
            if (label is not null)
            {
                writer.WritePropertyName("label");
                WriteRow(writer, label, r, rowCount, scalar: true);
            }

            if (probabilities is not null)
            {
                writer.WritePropertyName("probabilities");
                WriteProbabilities(writer, probabilities, r, rowCount, booleanLabel);
            }

            if (value is not null)
            {
                writer.WritePropertyName("value");
                WriteRow(writer, value, r, rowCount, scalar: false);
            }

            writer.WriteEndObject();
        }
    }

    private static OrtValue ReadFeature(string name, NodeMetadata spec, IReadOnlyList<JsonElement> rows, IReadOnlyList<string> features)
    {
        var leaves = new List<JsonElement>(rows.Count);
        int width = -1;
        for (int r = 0; r < rows.Count; r++)
        {
            if (!rows[r].TryGetProperty(name, out var feature))
            {
                throw new InvalidInferenceRequestException($"Row {r} lacks feature '{name}'. The model's features are: {string.Join(", ", features)}.");
            }

            int before = leaves.Count;
            TensorCodec.AddLeaves(feature, leaves);
            int count = leaves.Count - before;
            if (width >= 0 && count != width)
            {
                throw new InvalidInferenceRequestException($"Feature '{name}' has {count} values in row {r} but {width} in row 0.");
            }

            width = count;
        }

        var dims = spec.Dimensions;
        long[] shape;
        if (dims.Length == 0)
        {
            shape = [];
        }
        else
        {
            shape = new long[dims.Length];
            shape[0] = rows.Count;
            long fixedWidth = 1;
            int open = -1;
            for (int d = 1; d < dims.Length; d++)
            {
                if (dims[d] < 0)
                {
                    open = d;
                    shape[d] = 1;
                }
                else
                {
                    shape[d] = dims[d];
                    fixedWidth *= dims[d];
                }
            }

            if (open > 0 && width % fixedWidth == 0)
            {
                shape[open] = width / fixedWidth;
                fixedWidth = width;
            }

            if (fixedWidth != width)
            {
                throw new InvalidInferenceRequestException(string.Create(CultureInfo.InvariantCulture,
                    $"Feature '{name}' has {width} value(s) per row, but the model takes {fixedWidth} ({OnnxDatatype(spec)} of shape [{string.Join(", ", dims)}])."));
            }
        }

        if (dims.Length == 0 && width != 1)
        {
            throw new InvalidInferenceRequestException($"Feature '{name}' takes one value per row.");
        }

        return TensorCodec.CreateTensor(spec.ElementDataType, shape, leaves, $"Feature '{name}'");
    }

    private static string OnnxDatatype(NodeMetadata spec) => OnnxModelInspector.Datatype(spec.ElementDataType);

    private static void WriteRow(Utf8JsonWriter writer, OrtValue output, int row, int rows, bool scalar)
    {
        if (output.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            writer.WriteNullValue();
            return;
        }

        var info = output.GetTensorTypeAndShape();
        long width = info.ElementCount / rows;
        if (scalar || width == 1)
        {
            TensorCodec.WriteValues(writer, output, info.ElementDataType, row * width, 1);
            return;
        }

        writer.WriteStartArray();
        TensorCodec.WriteValues(writer, output, info.ElementDataType, row * width, width);
        writer.WriteEndArray();
    }

    private static void WriteProbabilities(Utf8JsonWriter writer, OrtValue output, int row, int rows, bool booleanLabel)
    {
        writer.WriteStartObject();
        if (output.OnnxType == OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            using var map = output.GetValue(row, OrtAllocator.DefaultInstance);
            using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
            using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
            var keyType = keys.GetTensorTypeAndShape().ElementDataType;
            long count = keys.GetTensorTypeAndShape().ElementCount;
            for (int k = 0; k < count; k++)
            {
                writer.WritePropertyName(keyType == TensorElementType.String
                    ? keys.GetStringElement(k)
                    : keys.GetTensorDataAsSpan<long>()[k].ToString(CultureInfo.InvariantCulture));
                TensorCodec.WriteValues(writer, values, k, 1);
            }
        }
        else if (output.OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
        {
            long width = output.GetTensorTypeAndShape().ElementCount / rows;
            if (width == 1)
            {
                // A binary classifier's one probability is that of the positive class.
                double p = output.GetTensorTypeAndShape().ElementDataType == TensorElementType.Double
                    ? output.GetTensorDataAsSpan<double>()[row]
                    : output.GetTensorDataAsSpan<float>()[row];
                writer.WriteNumber(booleanLabel ? "false" : "0", (float)(1 - p));
                writer.WriteNumber(booleanLabel ? "true" : "1", (float)p);
            }
            else
            {
                for (long k = 0; k < width; k++)
                {
                    writer.WritePropertyName(k.ToString(CultureInfo.InvariantCulture));
                    TensorCodec.WriteValues(writer, output, (row * width) + k, 1);
                }
            }
        }

        writer.WriteEndObject();
    }

    // ML.NET names its exported outputs after the columns with ".output" appended.
    private static string Normalize(string name) =>
        (name.EndsWith(".output", StringComparison.OrdinalIgnoreCase) ? name[..^".output".Length] : name).ToLowerInvariant();

    /// <summary>How rows map onto one model's graph; it depends on the graph alone, so it is worked out once per model.</summary>
    internal sealed record Plan(
        List<KeyValuePair<string, NodeMetadata>> Inputs,
        List<string> InputNames,
        OutputRoles Roles,
        bool HasNonTensorInputs,
        bool Batched,
        bool HasFixedBatchAboveOne)
    {
        public static Plan For(InferenceSession session)
        {
            var inputs = session.InputMetadata.Where(i => i.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR).ToList();
            bool batched = inputs.All(i => i.Value.Dimensions.Length > 0 && i.Value.Dimensions[0] < 0);
            return new Plan(
                inputs,
                inputs.ConvertAll(i => i.Key),
                FindRoles(session),
                inputs.Count != session.InputMetadata.Count,
                batched,
                !batched && inputs.Any(i => i.Value.Dimensions.Length > 0 && i.Value.Dimensions[0] > 1));
        }

        private static OutputRoles FindRoles(InferenceSession session)
        {
            string? Find(string[] candidates) => session.OutputNames
                .Where(n => candidates.Contains(Normalize(n)))
                .OrderBy(n => Array.IndexOf(candidates, Normalize(n)))
                .FirstOrDefault();

            string? label = Find(LabelNames);
            string? probabilities = Find(ProbabilityNames);
            string? value = label is null && probabilities is null ? Find(ValueNames) ?? (session.OutputNames.Count > 0 ? session.OutputNames[0] : null) : null;
            var outputs = new[] { label, probabilities, value }.OfType<string>().Distinct().ToList();
            return new OutputRoles(label, probabilities, value, outputs);
        }
    }

    /// <summary>Which outputs give the label, the probabilities and the value, and the outputs to compute.</summary>
    internal sealed record OutputRoles(string? Label, string? Probabilities, string? Value, List<string> Outputs);
}
