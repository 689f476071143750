using System.Globalization;
using System.Text.Json;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// Reads a sampled prediction's outputs, as the records API writes them (<c>label</c>, <c>probabilities</c>,
/// <c>value</c>) or as an Open Inference Protocol answer names them (<c>PredictedLabel</c>, <c>Probability</c>,
/// <c>Score</c>..., with or without ML.NET's <c>.output</c> suffix).
/// </summary>
internal static class PredictionReader
{
    /// <summary>A JSON value as a label: a string's text, else its raw JSON (<c>true</c>, <c>1</c>).</summary>
    public static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>
    /// Binary: the positive class's probability and that class's key, or null. Of a probabilities object the key
    /// <c>true</c>, <c>1</c> or one of <paramref name="positive"/>, else the second of two; of a probability output a
    /// number, or the second of two.
    /// </summary>
    public static (double Probability, string? Key)? PositiveProbability(JsonElement outputs, IReadOnlyList<string> positive)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var output in outputs.EnumerateObject())
        {
            if (!Normalize(output.Name).StartsWith("probabilit", StringComparison.Ordinal))
            {
                continue;
            }

            var value = output.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var entries = value.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Number).ToList();
                    var chosen = entries.FirstOrDefault(e => e.Name is "true" or "1" || positive.Contains(e.Name, StringComparer.Ordinal));
                    if (chosen.Value.ValueKind != JsonValueKind.Number && entries.Count == 2)
                    {
                        chosen = entries[1];
                    }

                    return chosen.Value.ValueKind == JsonValueKind.Number ? (chosen.Value.GetDouble(), chosen.Name) : null;
                case JsonValueKind.Number:
                    return (value.GetDouble(), null);
                case JsonValueKind.Array when value.GetArrayLength() is 1 or 2 && value[value.GetArrayLength() - 1].ValueKind == JsonValueKind.Number:
                    return (value[value.GetArrayLength() - 1].GetDouble(), null);
            }
        }

        return null;
    }

    /// <summary>The predicted label's text: the label output, else the most probable class of a probabilities object; null when neither is there.</summary>
    public static string? Label(JsonElement outputs)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var output in outputs.EnumerateObject())
        {
            if (Normalize(output.Name) is "label" or "predictedlabel" or "output_label" && output.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null))
            {
                return Text(output.Value);
            }
        }

        foreach (var output in outputs.EnumerateObject())
        {
            if (Normalize(output.Name).StartsWith("probabilit", StringComparison.Ordinal) && output.Value.ValueKind == JsonValueKind.Object)
            {
                var entries = output.Value.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Number).ToList();
                return entries.Count == 0 ? null : entries.MaxBy(e => e.Value.GetDouble()).Name;
            }
        }

        return null;
    }

    /// <summary>Regression: the predicted value (<c>value</c>, else the first numeric output); null when there is none.</summary>
    public static double? Value(JsonElement outputs)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (outputs.TryGetProperty("value", out var value) && Number(value) is { } v)
        {
            return v;
        }

        foreach (var output in outputs.EnumerateObject())
        {
            if (Number(output.Value) is { } n)
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>A number, a one-element array of one, or a numeric string; else null.</summary>
    public static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Array when value.GetArrayLength() == 1 => Number(value[0]),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => null,
    };

    private static string Normalize(string name) =>
        (name.EndsWith(".output", StringComparison.OrdinalIgnoreCase) ? name[..^".output".Length] : name).ToLowerInvariant();
}
