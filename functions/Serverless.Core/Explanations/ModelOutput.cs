using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Explanations;

/// <summary>
/// The one number per row a model-agnostic explanation explains: a classifier's probability of its positive class (the
/// second of two classes, or the class <c>1</c>/<c>true</c> of a probability map), else the model's value.
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

    /// <summary>Picks the output from the records plan's roles.</summary>
    /// <exception cref="ExplanationUnavailableException">The model gives only labels.</exception>
    public static ModelOutput For(RecordsCodec.OutputRoles roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Probabilities is { } probabilities)
        {
            return new ModelOutput(probabilities, "probability", $"probability of the positive class (output '{probabilities}')");
        }

        if (roles.Value is { } value)
        {
            return new ModelOutput(value, "value", $"the model's value (output '{value}')");
        }

        throw new ExplanationUnavailableException("The model outputs only labels; explanations need a probability or a value to attribute.");
    }

    /// <summary>The number of each of <paramref name="rows"/> rows in <paramref name="result"/>.</summary>
    public static double[] Read(OrtValue result, int rows)
    {
        ArgumentNullException.ThrowIfNull(result);
        var values = new double[rows];
        if (result.OnnxType == OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            for (int r = 0; r < rows; r++)
            {
                using var map = result.GetValue(r, OrtAllocator.DefaultInstance);
                using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
                using var probabilities = map.GetValue(1, OrtAllocator.DefaultInstance);
                var keyType = keys.GetTensorTypeAndShape().ElementDataType;
                int count = (int)keys.GetTensorTypeAndShape().ElementCount;
                int positive = count - 1;
                for (int k = 0; k < count; k++)
                {
                    string key = keyType == TensorElementType.String ? keys.GetStringElement(k) : keys.GetTensorDataAsSpan<long>()[k].ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (key is "1" or "true" or "True")
                    {
                        positive = k;
                    }
                }

                values[r] = Element(probabilities, positive);
            }

            return values;
        }

        var info = result.GetTensorTypeAndShape();
        long width = info.ElementCount / rows;
        if (width > 2)
        {
            throw new ExplanationUnavailableException($"The model gives {width} numbers per row; explanations handle binary classifiers and single-valued regressors.");
        }

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
