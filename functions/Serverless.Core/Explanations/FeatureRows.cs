using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Explanations;

/// <summary>
/// Rows of a model's inputs held column by column in managed arrays, so that rows mixing a row's features with a
/// background row's (what Shapley values are made of) can be assembled by copying, then fed to ONNX Runtime.
/// </summary>
internal sealed class FeatureRows
{
    private readonly Array[] _columns;

    private FeatureRows(IReadOnlyList<string> names, TensorElementType[] types, int[] widths, long[][] shapes, Array[] columns, int count)
    {
        Names = names;
        Types = types;
        Widths = widths;
        Shapes = shapes;
        _columns = columns;
        Count = count;
    }

    /// <summary>The inputs, in the order of the session's records plan.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>How many rows.</summary>
    public int Count { get; }

    private TensorElementType[] Types { get; }

    private int[] Widths { get; }

    // Each input's tensor shape with the first dimension standing for the row count.
    private long[][] Shapes { get; }

    /// <summary>Copies the rows out of input tensors (as the records codec made them, one per input, rows first).</summary>
    /// <exception cref="ExplanationUnavailableException">An input's element type is one explanations do not handle.</exception>
    public static FeatureRows From(IReadOnlyList<string> names, IReadOnlyList<OrtValue> values, int count)
    {
        var types = new TensorElementType[values.Count];
        var widths = new int[values.Count];
        var shapes = new long[values.Count][];
        var columns = new Array[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var info = values[i].GetTensorTypeAndShape();
            types[i] = info.ElementDataType;
            shapes[i] = info.Shape;
            widths[i] = checked((int)(info.ElementCount / count));
            columns[i] = info.ElementDataType switch
            {
                TensorElementType.String => values[i].GetStringTensorAsArray(),
                TensorElementType.Float => values[i].GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Double => values[i].GetTensorDataAsSpan<double>().ToArray(),
                TensorElementType.Int64 => values[i].GetTensorDataAsSpan<long>().ToArray(),
                TensorElementType.Int32 => values[i].GetTensorDataAsSpan<int>().ToArray(),
                TensorElementType.Bool => values[i].GetTensorDataAsSpan<bool>().ToArray(),
                _ => throw new ExplanationUnavailableException(
                    $"Input '{names[i]}' is of type {info.ElementDataType}; explanations handle string, float, double, int32, int64 and bool inputs."),
            };
        }

        return new FeatureRows(names, types, widths, shapes, columns, count);
    }

    /// <summary>Empty rows of the same inputs, <paramref name="count"/> of them, to be filled by <see cref="CopyRow"/>.</summary>
    public FeatureRows CreateEmpty(int count) => new(
        Names,
        Types,
        Widths,
        Shapes,
        [.. _columns.Select((c, i) => Array.CreateInstance(c.GetType().GetElementType()!, (long)count * Widths[i]))],
        count);

    /// <summary>Sets row <paramref name="target"/>'s input <paramref name="input"/> to <paramref name="source"/>'s row <paramref name="row"/>.</summary>
    public void CopyInput(int input, FeatureRows source, int row, int target) =>
        Array.Copy(source._columns[input], (long)row * Widths[input], _columns[input], (long)target * Widths[input], Widths[input]);

    /// <summary>Sets row <paramref name="target"/> to <paramref name="source"/>'s row <paramref name="row"/>.</summary>
    public void CopyRow(FeatureRows source, int row, int target)
    {
        for (int i = 0; i < _columns.Length; i++)
        {
            CopyInput(i, source, row, target);
        }
    }

    /// <summary>The rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as input tensors; the caller disposes them.</summary>
    public List<OrtValue> ToOrtValues(int start, int count)
    {
        var values = new List<OrtValue>(_columns.Length);
        try
        {
            for (int i = 0; i < _columns.Length; i++)
            {
                long[] shape = [.. Shapes[i]];
                if (shape.Length > 0)
                {
                    shape[0] = count;
                }

                long offset = (long)start * Widths[i];
                long length = (long)count * Widths[i];
                values.Add(_columns[i] switch
                {
                    string[] s => Strings(s, offset, length, shape),
                    float[] f => OrtValue.CreateTensorValueFromMemory(f[(int)offset..(int)(offset + length)], shape),
                    double[] d => OrtValue.CreateTensorValueFromMemory(d[(int)offset..(int)(offset + length)], shape),
                    long[] l => OrtValue.CreateTensorValueFromMemory(l[(int)offset..(int)(offset + length)], shape),
                    int[] n => OrtValue.CreateTensorValueFromMemory(n[(int)offset..(int)(offset + length)], shape),
                    bool[] b => OrtValue.CreateTensorValueFromMemory(b[(int)offset..(int)(offset + length)], shape),
                    _ => throw new InvalidOperationException("Unreachable: From admits no other element type."),
                });
            }

            return values;
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }

    private static OrtValue Strings(string[] strings, long offset, long length, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        for (long i = 0; i < length; i++)
        {
            value.StringTensorSetElementAt(strings[offset + i].AsSpan(), checked((int)i));
        }

        return value;
    }
}
