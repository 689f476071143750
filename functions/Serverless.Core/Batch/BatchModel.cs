using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Batch;

/// <summary>
/// How batch scoring feeds one model's graph: one value per feature and row, each feature the input of the same name
/// in the input's element type, rows stacked along the first dimension (one row per run when the graph fixes it). The
/// outputs are read by the records API's conventional names, so a batch's columns are named as <c>/predict</c>'s
/// fields: <c>label</c>, <c>probability_{class}</c>, else <c>value</c>. Worked out once per session.
/// </summary>
internal sealed class BatchModel
{
    private static readonly ConditionalWeakTable<InferenceSession, BatchModel> Plans = [];

    // The records API's names (RecordsCodec): ML.NET exports, skl2onnx and plain graphs.
    private static readonly string[] LabelNames = ["predictedlabel", "label", "output_label"];
    private static readonly string[] ProbabilityNames = ["probability", "probabilities", "output_probability"];
    private static readonly string[] ValueNames = ["score", "variable", "value", "prediction", "predictions", "output"];

    private BatchModel(InferenceSession session)
    {
        Session = session;
        var metadata = session.InputMetadata;
        Problem = metadata.Values.Any(m => m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            ? "this model takes non-tensor inputs"
            : metadata.Values.Any(m => m.Dimensions.Length > 2 || (m.Dimensions.Length == 2 && m.Dimensions[1] > 1))
                ? "this model takes more than one value per feature and row"
                : metadata.Values.Any(m => !FeatureBuffer.Supports(m.ElementDataType))
                    ? $"this model takes an input of a type batches do not read ({string.Join(", ", metadata.Where(m => !FeatureBuffer.Supports(m.Value.ElementDataType)).Select(m => $"'{m.Key}': {m.Value.ElementDataType}"))})"
                    : null;
        Inputs = [.. metadata.Select(m => (m.Key, m.Value.ElementDataType, m.Value.Dimensions.Length))];
        Batched = metadata.Values.All(m => m.Dimensions.Length > 0 && m.Dimensions[0] < 0);
        if (Problem is null && !Batched && metadata.Values.Any(m => m.Dimensions.Length > 0 && m.Dimensions[0] > 1))
        {
            Problem = "the model's first dimension is fixed above 1, so its rows cannot be told apart";
        }

        Label = Find(session, LabelNames);
        Probabilities = Find(session, ProbabilityNames);
        Value = Label is null && Probabilities is null ? Find(session, ValueNames) ?? (session.OutputNames.Count > 0 ? session.OutputNames[0] : null) : null;
        Outputs = [.. new[] { Label, Probabilities, Value }.OfType<string>().Distinct()];
    }

    /// <summary>The session.</summary>
    public InferenceSession Session { get; }

    /// <summary>The inputs in the graph's order: name, element type and rank (0, 1 or 2).</summary>
    public IReadOnlyList<(string Name, TensorElementType Type, int Rank)> Inputs { get; }

    /// <summary>Whether rows can be stacked in one run (every input's first dimension is open).</summary>
    public bool Batched { get; }

    /// <summary>Why batches cannot feed this model, or null when they can.</summary>
    public string? Problem { get; }

    /// <summary>The output giving the label, if any.</summary>
    public string? Label { get; }

    /// <summary>The output giving the probabilities, if any.</summary>
    public string? Probabilities { get; }

    /// <summary>The output giving the value when there is neither label nor probabilities.</summary>
    public string? Value { get; }

    /// <summary>The outputs to compute, in the order of <see cref="Label"/>, <see cref="Probabilities"/>, <see cref="Value"/>.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The plan of <paramref name="session"/>.</summary>
    public static BatchModel For(InferenceSession session) => Plans.GetValue(session, static s => new BatchModel(s));

    /// <summary>Throws when batches cannot feed the model.</summary>
    /// <exception cref="BatchInputException">The model takes what rows of single values cannot feed.</exception>
    public void EnsureScorable()
    {
        if (Problem is not null)
        {
            throw new BatchInputException($"Batch scoring feeds one value per feature and row, but {Problem} (use /v2/models/{{name}}/infer).");
        }
    }

    private static string? Find(InferenceSession session, string[] candidates) => session.OutputNames
        .Where(n => candidates.Contains(Normalize(n)))
        .OrderBy(n => Array.IndexOf(candidates, Normalize(n)))
        .FirstOrDefault();

    // ML.NET names its exported outputs after the columns with ".output" appended.
    private static string Normalize(string name) =>
        (name.EndsWith(".output", StringComparison.OrdinalIgnoreCase) ? name[..^".output".Length] : name).ToLowerInvariant();
}
