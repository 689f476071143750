using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Explanations;

/// <summary>
/// The numbers per row a model-agnostic explanation explains: a binary classifier's probability of its positive class
/// (the second of two classes, or the class <c>1</c>/<c>true</c> of a probability map), a multiclass classifier's
/// probability of each class, else the model's value.
/// </summary>
internal sealed class ModelOutput
{
    private ModelOutput(string output, string space, string description)
    {
        Output = output;
        Space = space;
        Description = description;
    }

    /// <summary>The graph output read.</summary>
    public string Output { get; }

    /// <summary><c>probability</c> or <c>value</c>.</summary>
    public string Space { get; }

    /// <summary>What the number is, in words.</summary>
    public string Description { get; }

    /// <summary>
    /// Picks the output from the records plan's roles; for a model that names only a label beside an ML.NET
    /// <c>Score</c> (ML.NET's multiclass models: their scores are the classes' probabilities), that score.
    /// </summary>
    /// <exception cref="ExplanationUnavailableException">The model gives only labels.</exception>
    public static ModelOutput For(RecordsCodec.OutputRoles roles, IEnumerable<string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Probabilities is { } probabilities)
        {
            return new ModelOutput(probabilities, "probability", $"probability of the positive class, or of each class of a multiclass model (output '{probabilities}')");
        }

        if (outputs?.FirstOrDefault(o => o is "Score.output" or "Score") is { } score)
        {
            return new ModelOutput(score, "probability", $"probability of each class (output '{score}', ML.NET's multiclass score)");
        }

        if (roles.Value is { } value)
        {
            return new ModelOutput(value, "value", $"the model's value (output '{value}')");
        }

        throw new ExplanationUnavailableException("The model outputs only labels; explanations need a probability or a value to attribute.");
    }

    /// <summary>The number of each of <paramref name="rows"/> rows in <paramref name="result"/> (row after row, one per class for a multiclass classifier).</summary>
    public static double[] Read(OrtValue result, int rows) => Read(result, rows, out _);

    /// <summary>
    /// The numbers of each of <paramref name="rows"/> rows in <paramref name="result"/>, row after row: one (a binary
    /// classifier's positive class's probability, a regressor's value) or, for a classifier of more than two classes,
    /// each class's probability, whose names <paramref name="classes"/> gives as <c>/predict</c> names them.
    /// </summary>
    public static double[] Read(OrtValue result, int rows, out IReadOnlyList<string>? classes)
    {
        ArgumentNullException.ThrowIfNull(result);
        classes = null;
        if (result.OnnxType == OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            double[]? all = null;
            for (int r = 0; r < rows; r++)
            {
                using var map = result.GetValue(r, OrtAllocator.DefaultInstance);
                using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
                using var probabilities = map.GetValue(1, OrtAllocator.DefaultInstance);
                var keyType = keys.GetTensorTypeAndShape().ElementDataType;
                int count = (int)keys.GetTensorTypeAndShape().ElementCount;
                var names = new string[count];
                for (int k = 0; k < count; k++)
                {
                    names[k] = keyType == TensorElementType.String ? keys.GetStringElement(k) : keys.GetTensorDataAsSpan<long>()[k].ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (count > 2)
                {
                    all ??= new double[rows * count];
                    classes ??= names;
                    for (int k = 0; k < count; k++)
                    {
                        all[(r * count) + k] = Element(probabilities, k);
                    }

                    continue;
                }

                all ??= new double[rows];
                int positive = count - 1;
                for (int k = 0; k < count; k++)
                {
                    if (names[k] is "1" or "true" or "True")
                    {
                        positive = k;
                    }
                }

                all[r] = Element(probabilities, positive);
            }

            return all ?? [];
        }

        var info = result.GetTensorTypeAndShape();
        long width = info.ElementCount / rows;
        if (width > 2)
        {
            classes = [.. Enumerable.Range(0, (int)width).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            var all = new double[rows * width];
            for (long i = 0; i < all.Length; i++)
            {
                all[i] = Element(result, i);
            }

            return all;
        }

        var values = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            // Of two probabilities, the second is the positive class's.
            values[r] = Element(result, (r * width) + width - 1);
        }

        return values;
    }

    private static double Element(OrtValue tensor, long index) => tensor.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => tensor.GetTensorDataAsSpan<float>()[(int)index],
        TensorElementType.Double => tensor.GetTensorDataAsSpan<double>()[(int)index],
        TensorElementType.Int64 => tensor.GetTensorDataAsSpan<long>()[(int)index],
        TensorElementType.Int32 => tensor.GetTensorDataAsSpan<int>()[(int)index],
        var other => throw new ExplanationUnavailableException($"The model's output is of type {other}; explanations read float, double or integer outputs."),
    };
}
