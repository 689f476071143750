using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Batch;

/// <summary>
/// Scores a chunk's table in one ONNX Runtime run: the input tensors are built once over the table's typed feature
/// buffers, and the outputs are read from the output tensors into typed columns, with no JSON in between. A run the
/// model refuses for its values (or that exceeds the output or memory limit) is split in halves until the rows at fault
/// are found; those are listed, the others scored. A graph that fixes its first dimension is run one row at a time.
/// </summary>
internal static class ChunkScorer
{
    /// <summary>Scores the table's kept rows.</summary>
    /// <exception cref="BatchInputException">The model cannot be fed rows of single values.</exception>
    /// <exception cref="RequestLimitExceededException">One row alone exceeds what a run may cost.</exception>
    public static ScoredChunk Score(LoadedModel loaded, ModelExecutor executor, BatchTable table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(table);
        var model = table.Model;
        model.EnsureScorable();
        var scored = new ScoredChunk(table);
        string[] inputNames = [.. model.Inputs.Select(i => i.Name)];
        int step = model.Batched ? Math.Max(1, table.Count) : 1;
        for (int start = 0; start < table.Count; start += step)
        {
            Run(scored, loaded, executor, inputNames, start, Math.Min(step, table.Count - start), cancellationToken);
        }

        return scored;
    }

    private static void Run(ScoredChunk scored, LoadedModel loaded, ModelExecutor executor, string[] inputNames, int start, int count, CancellationToken cancellationToken)
    {
        var model = scored.Table.Model;
        var inputs = new List<OrtValue>(inputNames.Length);
        bool split = false;
        try
        {
            for (int i = 0; i < inputNames.Length; i++)
            {
                inputs.Add(scored.Table.Features[i].ToTensor(start, count, Shape(model.Inputs[i].Rank, count)));
            }

            using var results = executor.Run(loaded, inputNames, inputs, (IReadOnlyCollection<string>)model.Outputs, cancellationToken);
            Read(scored, results.Values, start, count);
        }
        catch (InvalidInferenceRequestException ex) when (count == 1)
        {
            scored.Refuse(start, ex.Message);
        }
        catch (Exception ex) when (count > 1 && (ex is InvalidInferenceRequestException || (ex is RequestLimitExceededException && !IsTimeLimit(ex))))
        {
            split = true;
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }

        if (split)
        {
            int half = count / 2;
            Run(scored, loaded, executor, inputNames, start, half, cancellationToken);
            Run(scored, loaded, executor, inputNames, start + half, count - half, cancellationToken);
        }
    }

    // Halves of a run that took too long take as long together: only the output and memory limits are worth a split.
    private static bool IsTimeLimit(Exception exception) => exception.Message.Contains("Serving__MaxRunTime", StringComparison.Ordinal);

    private static long[] Shape(int rank, int count) => rank switch
    {
        0 => [],
        1 => [count],
        _ => [count, 1],
    };

    private static void Read(ScoredChunk scored, IReadOnlyList<OrtValue> results, int start, int count)
    {
        var model = scored.Table.Model;
        OrtValue? Output(string? name) => name is null ? null : results[IndexOf(model.Outputs, name)];
        var label = Output(model.Label);
        var probabilities = Output(model.Probabilities);
        var value = Output(model.Value);
        bool booleanLabel = label is { OnnxType: OnnxValueType.ONNX_TYPE_TENSOR } && label.GetTensorTypeAndShape().ElementDataType == TensorElementType.Bool;
        if (label is { OnnxType: OnnxValueType.ONNX_TYPE_TENSOR })
        {
            ReadColumn(scored, "label", label, start, count, 0);
        }

        if (probabilities is { OnnxType: OnnxValueType.ONNX_TYPE_SEQUENCE })
        {
            ReadMaps(scored, probabilities, start, count);
        }
        else if (probabilities is { OnnxType: OnnxValueType.ONNX_TYPE_TENSOR })
        {
            ReadProbabilities(scored, probabilities, start, count, booleanLabel);
        }

        if (value is { OnnxType: OnnxValueType.ONNX_TYPE_TENSOR })
        {
            if (Width(value, count) == 1)
            {
                ReadColumn(scored, "value", value, start, count, 0);
            }
            else
            {
                ReadArrays(scored, "value", value, start, count);
            }
        }
    }

    private static long Width(OrtValue tensor, int count) => tensor.GetTensorTypeAndShape().ElementCount / count;

    // One value per row: element row * width + offset of the tensor.
    private static void ReadColumn(ScoredChunk scored, string name, OrtValue tensor, int start, int count, long offset)
    {
        var info = tensor.GetTensorTypeAndShape();
        long width = info.ElementCount / count;
        if (width == 0)
        {
            return;
        }

        var column = scored.Column(name, OutputColumn.TypeOf(info.ElementDataType));
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                Fill(tensor.GetTensorDataAsSpan<float>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, v));
                break;
            case TensorElementType.Double:
                Fill(tensor.GetTensorDataAsSpan<double>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, v));
                break;
            case TensorElementType.Int64:
                Fill(tensor.GetTensorDataAsSpan<long>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, v));
                break;
            case TensorElementType.Int32:
                Fill(tensor.GetTensorDataAsSpan<int>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.Int16:
                Fill(tensor.GetTensorDataAsSpan<short>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.Int8:
                Fill(tensor.GetTensorDataAsSpan<sbyte>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.UInt32:
                Fill(tensor.GetTensorDataAsSpan<uint>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.UInt16:
                Fill(tensor.GetTensorDataAsSpan<ushort>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.UInt8:
                Fill(tensor.GetTensorDataAsSpan<byte>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, (long)v));
                break;
            case TensorElementType.Bool:
                Fill(tensor.GetTensorDataAsSpan<bool>(), width, offset, start, count, column, static (c, r, v) => c.Set(r, v));
                break;
            case TensorElementType.String:
                for (int i = 0; i < count; i++)
                {
                    column.SetText(start + i, tensor.GetStringElement((int)((i * width) + offset)));
                }

                break;
            default:
                break;
        }
    }

    private static void Fill<T>(ReadOnlySpan<T> values, long width, long offset, int start, int count, OutputColumn column, Action<OutputColumn, int, T> set)
    {
        for (int i = 0; i < count; i++)
        {
            set(column, start + i, values[(int)((i * width) + offset)]);
        }
    }

    private static void ReadProbabilities(ScoredChunk scored, OrtValue tensor, int start, int count, bool booleanLabel)
    {
        var info = tensor.GetTensorTypeAndShape();
        long width = info.ElementCount / count;
        if (width == 1 && info.ElementDataType is TensorElementType.Float or TensorElementType.Double)
        {
            // A binary classifier's one probability is that of the positive class.
            var negative = scored.Column(booleanLabel ? "probability_false" : "probability_0", TensorElementType.Float);
            var positive = scored.Column(booleanLabel ? "probability_true" : "probability_1", TensorElementType.Float);
            if (info.ElementDataType == TensorElementType.Double)
            {
                var p = tensor.GetTensorDataAsSpan<double>();
                for (int i = 0; i < count; i++)
                {
                    negative.Set(start + i, (float)(1 - p[i]));
                    positive.Set(start + i, (float)p[i]);
                }
            }
            else
            {
                var p = tensor.GetTensorDataAsSpan<float>();
                for (int i = 0; i < count; i++)
                {
                    negative.Set(start + i, (float)(1 - (double)p[i]));
                    positive.Set(start + i, p[i]);
                }
            }

            return;
        }

        for (long k = 0; k < width; k++)
        {
            ReadColumn(scored, string.Create(CultureInfo.InvariantCulture, $"probability_{k}"), tensor, start, count, k);
        }
    }

    // A sequence of one map per row (class to probability), as skl2onnx's ZipMap gives.
    private static void ReadMaps(ScoredChunk scored, OrtValue sequence, int start, int count)
    {
        int rows = Math.Min(count, sequence.GetValueCount());
        for (int i = 0; i < rows; i++)
        {
            using var map = sequence.GetValue(i, OrtAllocator.DefaultInstance);
            using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
            using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
            var keyInfo = keys.GetTensorTypeAndShape();
            var valueType = values.GetTensorTypeAndShape().ElementDataType;
            for (int k = 0; k < keyInfo.ElementCount; k++)
            {
                string key = keyInfo.ElementDataType == TensorElementType.String
                    ? keys.GetStringElement(k)
                    : keys.GetTensorDataAsSpan<long>()[k].ToString(CultureInfo.InvariantCulture);
                var column = scored.Column("probability_" + key, OutputColumn.TypeOf(valueType));
                if (valueType == TensorElementType.Double)
                {
                    column.Set(start + i, values.GetTensorDataAsSpan<double>()[k]);
                }
                else if (valueType == TensorElementType.Float)
                {
                    column.Set(start + i, values.GetTensorDataAsSpan<float>()[k]);
                }
            }
        }
    }

    // A value wider than one per row is one field holding a JSON array, as /predict answers it.
    private static void ReadArrays(ScoredChunk scored, string name, OrtValue tensor, int start, int count)
    {
        var info = tensor.GetTensorTypeAndShape();
        long width = info.ElementCount / count;
        var column = scored.Column(name, TensorElementType.String);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Clear().Append('[');
            for (long k = 0; k < width; k++)
            {
                int at = (int)((i * width) + k);
                text.Append(k == 0 ? string.Empty : ",").Append(info.ElementDataType switch
                {
                    TensorElementType.Float => tensor.GetTensorDataAsSpan<float>()[at].ToString(CultureInfo.InvariantCulture),
                    TensorElementType.Double => tensor.GetTensorDataAsSpan<double>()[at].ToString(CultureInfo.InvariantCulture),
                    TensorElementType.Int64 => tensor.GetTensorDataAsSpan<long>()[at].ToString(CultureInfo.InvariantCulture),
                    TensorElementType.Int32 => tensor.GetTensorDataAsSpan<int>()[at].ToString(CultureInfo.InvariantCulture),
                    TensorElementType.Bool => tensor.GetTensorDataAsSpan<bool>()[at] ? "true" : "false",
                    TensorElementType.String => JsonSerializer.Serialize(tensor.GetStringElement(at)),
                    _ => "null",
                });
            }

            column.SetText(start + i, text.Append(']').ToString());
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
