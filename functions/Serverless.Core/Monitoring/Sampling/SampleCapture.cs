using System.Globalization;
using System.Text.Json;
using Serverless.Core.Registry;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Builds samples from a request and the response already written for it, so that nothing is captured for the
/// predictions not sampled.
/// </summary>
internal static class SampleCapture
{
    /// <summary>The chosen rows of a records API request, each with its prediction (the response's object less its id).</summary>
    public static List<PredictionSample> FromRecords(ModelVersionInfo version, IReadOnlyList<JsonElement> rows, IReadOnlyList<int> chosen, ReadOnlyMemory<byte> response, DateTimeOffset time)
    {
        using var document = JsonDocument.Parse(response);
        // Indexing a JSON array walks it, so the predictions are listed once.
        var predictions = document.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        var samples = new List<PredictionSample>(chosen.Count);
        foreach (int r in chosen)
        {
            var prediction = predictions[r];
            string id = prediction.GetProperty("prediction_id").GetString()!;
            samples.Add(new PredictionSample(version.Name, version.Version, id, time, rows[r].Clone(), Without(prediction, "prediction_id")));
        }

        return samples;
    }

    /// <summary>
    /// The rows of an Open Inference Protocol request whose inputs are all <c>[N]</c> or <c>[N, 1]</c> tensors (feature
    /// name to value), each with the outputs' values of its row (outputs whose first dimension is not N are left out);
    /// none for any other request. With N above one, row r's prediction id is the answer's id and <c>.r</c>.
    /// </summary>
    public static List<PredictionSample> FromInference(ModelVersionInfo version, JsonElement request, ReadOnlyMemory<byte> response, DateTimeOffset time)
    {
        var columns = new List<(string Name, List<JsonElement> Values)>();
        long rows = -1;
        foreach (var input in request.GetProperty("inputs").EnumerateArray())
        {
            if (!TryRows(input, out long n) || (rows >= 0 && n != rows))
            {
                return [];
            }

            rows = n;
            var values = Leaves(input.GetProperty("data"));
            if (values.Count != n)
            {
                return [];
            }

            columns.Add((input.GetProperty("name").GetString()!, values));
        }

        if (rows <= 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(response);
        var root = document.RootElement;
        string id = root.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
        var outputs = new List<(string Name, List<JsonElement> Values, long Width)>();
        foreach (var output in root.GetProperty("outputs").EnumerateArray())
        {
            if (output.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0 &&
                shape[0].TryGetInt64(out long first) && first == rows && output.TryGetProperty("data", out var data))
            {
                var values = Leaves(data);
                if (values.Count > 0 && values.Count % rows == 0)
                {
                    outputs.Add((output.GetProperty("name").GetString()!, values, values.Count / rows));
                }
            }
        }

        var samples = new List<PredictionSample>((int)rows);
        for (int r = 0; r < rows; r++)
        {
            var inputs = Write(writer =>
            {
                foreach (var (name, values) in columns)
                {
                    writer.WritePropertyName(name);
                    values[r].WriteTo(writer);
                }
            });
            var predicted = Write(writer =>
            {
                foreach (var (name, values, width) in outputs)
                {
                    writer.WritePropertyName(name);
                    if (width == 1)
                    {
                        values[r].WriteTo(writer);
                        continue;
                    }

                    writer.WriteStartArray();
                    for (long k = 0; k < width; k++)
                    {
                        values[(int)((r * width) + k)].WriteTo(writer);
                    }

                    writer.WriteEndArray();
                }
            });
            string rowId = rows == 1 ? id : id + "." + r.ToString(CultureInfo.InvariantCulture);
            samples.Add(new PredictionSample(version.Name, version.Version, rowId, time, inputs, predicted));
        }

        return samples;
    }

    /// <summary>
    /// A shadow version's samples of the predictions sampled from the answer the caller got: same prediction id, time and
    /// features, the shadow's prediction of that row, marked shadow. Records API rows are found by their position in the
    /// caller's answer; an Open Inference Protocol request's rows by their position in the request.
    /// </summary>
    public static List<PredictionSample> FromShadow(
        ModelVersionInfo shadow, IReadOnlyList<PredictionSample> served, bool records, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> response, ReadOnlyMemory<byte> shadowResponse)
    {
        var samples = new List<PredictionSample>(served.Count);
        if (records)
        {
            using var ours = JsonDocument.Parse(response);
            using var theirs = JsonDocument.Parse(shadowResponse);
            var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
            int r = 0;
            foreach (var prediction in ours.RootElement.GetProperty("predictions").EnumerateArray())
            {
                rowOf[prediction.GetProperty("prediction_id").GetString()!] = r++;
            }

            var predictions = theirs.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
            foreach (var sample in served)
            {
                if (rowOf.TryGetValue(sample.PredictionId, out int row) && row < predictions.Length)
                {
                    samples.Add(new PredictionSample(shadow.Name, shadow.Version, sample.PredictionId, sample.Time, sample.Inputs, Without(predictions[row], "prediction_id"), Shadow: true));
                }
            }

            return samples;
        }

        using var request = JsonDocument.Parse(body);
        var rows = FromInference(shadow, request.RootElement, shadowResponse, served[0].Time);
        for (int r = 0; r < Math.Min(rows.Count, served.Count); r++)
        {
            samples.Add(rows[r] with { PredictionId = served[r].PredictionId, Time = served[r].Time, Shadow = true });
        }

        return samples;
    }

    private static bool TryRows(JsonElement input, out long rows)
    {
        rows = -1;
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        int rank = shape.GetArrayLength();
        if (rank is < 1 or > 2 || !shape[0].TryGetInt64(out rows))
        {
            return false;
        }

        return rank == 1 || (shape[1].TryGetInt64(out long width) && width == 1);
    }

    private static List<JsonElement> Leaves(JsonElement data)
    {
        var leaves = new List<JsonElement>();
        void Add(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Add(item);
                }
            }
            else
            {
                leaves.Add(element);
            }
        }

        Add(data);
        return leaves;
    }

    private static JsonElement Without(JsonElement element, string property) => Write(writer =>
    {
        foreach (var member in element.EnumerateObject())
        {
            if (member.Name != property)
            {
                member.WriteTo(writer);
            }
        }
    });

    private static JsonElement Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
