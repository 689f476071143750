using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Serving.Protocol;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Batch;

/// <summary>
/// Scores one chunk's rows with the records API's codec (<see cref="RecordsCodec"/>): each row's cells become a record
/// of the model's features, checked one row at a time (a missing or mistyped feature fails that row, not the chunk),
/// and the good rows go to ONNX Runtime in one run.
/// </summary>
internal static class ChunkScorer
{
    /// <summary>Checks that the file has a column for every input the model takes.</summary>
    /// <exception cref="BatchInputException">A feature has no column, or the model takes what rows of features cannot feed.</exception>
    public static void CheckColumns(IReadOnlyList<string> columns, IEnumerable<string> features)
    {
        var missing = features.Where(f => !columns.Contains(f, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new BatchInputException($"The file has no column for the model's feature(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; its columns are: {string.Join(", ", columns)}.");
        }
    }

    /// <summary>Scores the table's rows; rows that cannot be scored are listed with the reason.</summary>
    /// <exception cref="BatchInputException">The file lacks a column for a feature, or the model cannot be fed rows of features.</exception>
    public static ScoredChunk Score(LoadedModel model, ModelExecutor executor, BatchTable table, Func<string> newPredictionId, CancellationToken cancellationToken)
    {
        var plan = model.RecordsPlan;
        if (plan.HasNonTensorInputs || plan.Inputs.Any(i => i.Value.Dimensions.Length > 2 || (i.Value.Dimensions.Length == 2 && i.Value.Dimensions[1] > 1)))
        {
            throw new BatchInputException("Batch scoring feeds one value per feature and row; this model takes wider or non-tensor inputs (use /v2/models/{name}/infer).");
        }

        CheckColumns(table.Columns, plan.InputNames);
        var features = plan.Inputs.Select(i => (i.Key, Column: IndexOf(table.Columns, i.Key), i.Value.ElementDataType)).ToList();
        var result = new ScoredChunk();
        var buffer = new ArrayBufferWriter<byte>(table.Cells.Count * 64);
        var good = new List<int>(table.Cells.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int r = 0; r < table.Cells.Count; r++)
            {
                if (table.Problems[r] is { } problem)
                {
                    result.Errors.Add((table.RowNumbers[r], "malformed row", problem));
                    continue;
                }

                if (Check(table.Cells[r], features) is { } fault)
                {
                    result.Errors.Add((table.RowNumbers[r], fault.Kind, fault.Reason));
                    continue;
                }

                WriteRecord(writer, table.Cells[r], features);
                good.Add(r);
            }

            writer.WriteEndArray();
        }

        if (good.Count == 0)
        {
            return result;
        }

        using var records = JsonDocument.Parse(buffer.WrittenMemory);
        JsonElement[] rows = [.. records.RootElement.EnumerateArray()];
        int start = 0;
        foreach (var batch in RecordsCodec.Batches(model, rows))
        {
            bool single = batch.Count == 1;
            var predictions = single
                ? Run(model, executor, batch, newPredictionId, cancellationToken, table.RowNumbers[good[start]], result)
                : Run(model, executor, batch, newPredictionId, cancellationToken);
            if (predictions is not null)
            {
                // Enumerated, not indexed: indexing an array of objects walks it from the start each time.
                int i = 0;
                foreach (var prediction in predictions.RootElement.EnumerateArray())
                {
                    Add(result, good[start + i++], prediction);
                }
            }
            else if (!single)
            {
                // The batch was refused as a whole; score its rows one by one to find the ones at fault.
                for (int i = 0; i < batch.Count; i++)
                {
                    int row = good[start + i];
                    var alone = Run(model, executor, [batch[i]], newPredictionId, cancellationToken, table.RowNumbers[row], result);
                    if (alone is not null)
                    {
                        result.Documents.Add(alone);
                        Add(result, row, alone.RootElement[0]);
                    }
                }
            }

            if (predictions is not null)
            {
                result.Documents.Add(predictions);
            }

            start += batch.Count;
        }

        return result;
    }

    private static JsonDocument? Run(
        LoadedModel model, ModelExecutor executor, IReadOnlyList<JsonElement> rows, Func<string> newPredictionId, CancellationToken cancellationToken,
        long rowNumber = 0, ScoredChunk? errors = null)
    {
        var plan = model.RecordsPlan;
        List<OrtValue>? inputs = null;
        try
        {
            inputs = RecordsCodec.ReadInputs(model, rows);
            using var results = executor.Run(model, plan.InputNames, inputs, plan.Roles.Outputs, cancellationToken);
            var output = new ArrayBufferWriter<byte>(rows.Count * 128);
            using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartArray();
                RecordsCodec.WritePredictions(writer, model, results.Values, rows.Count, newPredictionId);
                writer.WriteEndArray();
            }

            return JsonDocument.Parse(output.WrittenMemory);
        }
        catch (InvalidInferenceRequestException ex) when (rows.Count > 1 || errors is not null)
        {
            // A run refused for its values: the caller finds the rows at fault (several) or lists the row (one).
            errors?.Errors.Add((rowNumber, "refused by the model", ex.Message));
            return null;
        }
        finally
        {
            inputs?.ForEach(v => v.Dispose());
        }
    }

    private static void Add(ScoredChunk result, int row, JsonElement prediction)
    {
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        string id = string.Empty;
        foreach (var part in prediction.EnumerateObject())
        {
            if (part.NameEquals("prediction_id"))
            {
                id = part.Value.GetString()!;
            }
            else if (part.Value.ValueKind == JsonValueKind.Object)
            {
                string prefix = part.NameEquals("probabilities") ? "probability" : part.Name;
                foreach (var member in part.Value.EnumerateObject())
                {
                    Set(result, outputs, $"{prefix}_{member.Name}", member.Value);
                }
            }
            else
            {
                Set(result, outputs, part.Name, part.Value);
            }
        }

        result.Scored.Add((row, id, outputs));
    }

    private static void Set(ScoredChunk result, Dictionary<string, JsonElement> outputs, string name, JsonElement value)
    {
        if (!result.OutputColumns.Contains(name, StringComparer.Ordinal))
        {
            result.OutputColumns.Add(name);
        }

        outputs[name] = value;
    }

    private static (string Kind, string Reason)? Check(object?[] cells, List<(string Name, int Column, TensorElementType Type)> features)
    {
        foreach (var (name, column, type) in features)
        {
            object? cell = cells[column];
            if (cell is null || (cell is string text && string.IsNullOrWhiteSpace(text) && type != TensorElementType.String))
            {
                return ($"missing feature '{name}'", $"feature '{name}' is missing");
            }

            bool fits = type switch
            {
                TensorElementType.String => true,
                TensorElementType.Bool => cell is bool || (cell is string b && ParseBool(b) is not null),
                _ => Number(cell) is not null,
            };
            if (!fits)
            {
                string kind = type == TensorElementType.Bool ? "true or false" : "a number";
                return ($"feature '{name}' is not {kind}", string.Create(CultureInfo.InvariantCulture, $"feature '{name}' is not {kind}: '{Shorten(Text(cell))}'"));
            }
        }

        return null;
    }

    private static void WriteRecord(Utf8JsonWriter writer, object?[] cells, List<(string Name, int Column, TensorElementType Type)> features)
    {
        writer.WriteStartObject();
        foreach (var (name, column, type) in features)
        {
            object cell = cells[column]!;
            switch (type)
            {
                case TensorElementType.String:
                    writer.WriteString(name, Text(cell));
                    break;
                case TensorElementType.Bool:
                    writer.WriteBoolean(name, cell as bool? ?? ParseBool((string)cell)!.Value);
                    break;
                default:
                    writer.WriteNumber(name, Number(cell)!.Value);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static double? Number(object cell) => cell switch
    {
        string text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null,
        double value => double.IsFinite(value) ? value : null,
        float value => float.IsFinite(value) ? value : null,
        decimal value => (double)value,
        bool => null,
        IConvertible number when cell is sbyte or byte or short or ushort or int or uint or long or ulong => number.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    /// <summary>A cell as text: CSV's as read, a Parquet value in invariant form.</summary>
    public static string Text(object? cell) => TabularReader.Text(cell) ?? string.Empty;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
