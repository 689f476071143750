using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Writes samples as one Parquet row group: <c>prediction_id</c>, <c>version</c>, <c>time</c> (UTC), <c>shadow</c>
/// (whether a shadow version made it, answering a copy of the request), then a column
/// per prediction part (<c>label</c>, <c>probability_{class}</c>, <c>value</c>, or an inference request's output
/// names) and one per feature (named as the feature, or <c>input_{feature}</c> where that name is taken). A column
/// whose values are all numbers is a nullable double; any other is a string (a string's value, else its JSON).
/// </summary>
internal static class SampleParquet
{
    private static readonly string[] Reserved = ["prediction_id", "version", "time", "shadow"];

    public static async Task WriteAsync(IReadOnlyList<PredictionSample> samples, Stream destination, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, JsonElement?[]>(StringComparer.Ordinal);
        var order = new List<string>(Reserved);
        void Set(string name, int row, JsonElement value)
        {
            if (!columns.TryGetValue(name, out var values))
            {
                values = new JsonElement?[samples.Count];
                columns[name] = values;
                order.Add(name);
            }

            values[row] = value;
        }

        // Outputs first, so that their names win over a feature of the same name.
        var outputNames = new HashSet<string>(Reserved, StringComparer.Ordinal);
        for (int r = 0; r < samples.Count; r++)
        {
            if (samples[r].Outputs.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var part in samples[r].Outputs.EnumerateObject())
            {
                if (part.Value.ValueKind == JsonValueKind.Object)
                {
                    string prefix = part.Name == "probabilities" ? "probability" : part.Name;
                    foreach (var member in part.Value.EnumerateObject())
                    {
                        Set($"{prefix}_{member.Name}", r, member.Value);
                        outputNames.Add($"{prefix}_{member.Name}");
                    }
                }
                else
                {
                    Set(part.Name, r, part.Value);
                    outputNames.Add(part.Name);
                }
            }
        }

        for (int r = 0; r < samples.Count; r++)
        {
            if (samples[r].Inputs.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var feature in samples[r].Inputs.EnumerateObject())
            {
                Set(outputNames.Contains(feature.Name) ? "input_" + feature.Name : feature.Name, r, feature.Value);
            }
        }

        var fields = new List<DataField>
        {
            new DataField<string>("prediction_id"),
            new DataField<int>("version"),
            new DataField<DateTime>("time"),
            new DataField<bool>("shadow"),
        };
        foreach (string name in order.Skip(Reserved.Length))
        {
            fields.Add(IsNumeric(columns[name]) ? new DataField<double?>(name) : new DataField<string>(name));
        }

        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), destination, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(fields[0], samples.Select(s => s.PredictionId).ToArray());
        await group.WriteAsync<int>(fields[1], samples.Select(s => s.Version).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<DateTime>(fields[2], samples.Select(s => s.Time.UtcDateTime).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<bool>(fields[3], samples.Select(s => s.Shadow).ToArray(), cancellationToken: cancellationToken);
        foreach (var field in fields.Skip(Reserved.Length))
        {
            var values = columns[field.Name];
            if (IsNumeric(values))
            {
                await group.WriteAsync<double>(field, values.Select(v => v is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : (double?)null).ToArray(), cancellationToken: cancellationToken);
            }
            else
            {
                await group.WriteAsync(field, values.Select(Text).ToArray());
            }
        }
    }

    private static bool IsNumeric(JsonElement?[] values) =>
        values.All(v => v is null || v.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null) && values.Any(v => v?.ValueKind == JsonValueKind.Number);

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { } other => other.GetRawText(),
    };
}
