using System.Text.Json;

namespace Serverless.Core.Serving.Shadow;

/// <summary>
/// Compares the answer the caller got with the shadow's answer to the same request, prediction by prediction. Records
/// API: each row, by position; <c>label</c> is the label, <c>probabilities</c> (the mean |Δ| over the classes; for a
/// binary classifier that is |Δ| of the positive class's probability) or else <c>value</c> the score. Open Inference
/// Protocol: the request is one prediction; outputs of an integer, boolean or string datatype are labels (all equal:
/// agreed), floating-point outputs scores (the mean |Δ| over their values), only the probability output
/// (<c>Probability</c>, <c>probabilities</c>, <c>output_probability</c>, with or without ML.NET's <c>.output</c>) when
/// there is one.
/// </summary>
internal static class ShadowComparison
{
    private static readonly string[] ProbabilityNames = ["Probability", "probabilities", "output_probability"];

    /// <summary>The predictions of both answers, compared.</summary>
    /// <exception cref="JsonException">An answer is not what the protocol writes.</exception>
    public static List<ShadowOutcome> Compare(string protocol, ReadOnlyMemory<byte> response, ReadOnlyMemory<byte> shadowResponse)
    {
        using var main = JsonDocument.Parse(response);
        using var shadow = JsonDocument.Parse(shadowResponse);
        return protocol == ServingMetrics.Records
            ? CompareRecords(main.RootElement, shadow.RootElement)
            : [CompareInference(main.RootElement, shadow.RootElement)];
    }

    private static List<ShadowOutcome> CompareRecords(JsonElement main, JsonElement shadow)
    {
        var ours = main.GetProperty("predictions").EnumerateArray().ToArray();
        var theirs = shadow.GetProperty("predictions").EnumerateArray().ToArray();
        if (ours.Length != theirs.Length)
        {
            throw new JsonException($"The shadow answered {theirs.Length} predictions to the {ours.Length} of the answer.");
        }

        var outcomes = new List<ShadowOutcome>(ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            var (a, b) = (ours[i], theirs[i]);
            bool? agreed = a.TryGetProperty("label", out var la) && b.TryGetProperty("label", out var lb) ? JsonElement.DeepEquals(la, lb) : null;
            double? score = null;
            if (a.TryGetProperty("probabilities", out var pa) && pa.ValueKind == JsonValueKind.Object && b.TryGetProperty("probabilities", out var pb) && pb.ValueKind == JsonValueKind.Object)
            {
                var (sum, count) = (0.0, 0);
                foreach (var p in pa.EnumerateObject())
                {
                    double other = pb.TryGetProperty(p.Name, out var q) && q.ValueKind == JsonValueKind.Number ? q.GetDouble() : 0;
                    if (p.Value.ValueKind == JsonValueKind.Number)
                    {
                        sum += Math.Abs(p.Value.GetDouble() - other);
                        count++;
                    }
                }

                score = count > 0 ? sum / count : null;
            }
            else if (a.TryGetProperty("value", out var va) && b.TryGetProperty("value", out var vb))
            {
                score = MeanDifference(Numbers(va), Numbers(vb));
            }

            outcomes.Add(new ShadowOutcome(a.GetProperty("prediction_id").GetString()!, agreed, score, Without(a, "prediction_id"), Without(b, "prediction_id")));
        }

        return outcomes;
    }

    private static ShadowOutcome CompareInference(JsonElement main, JsonElement shadow)
    {
        var theirs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var output in shadow.GetProperty("outputs").EnumerateArray())
        {
            theirs[output.GetProperty("name").GetString()!] = output;
        }

        var ours = main.GetProperty("outputs").EnumerateArray().ToArray();
        bool hasProbability = ours.Any(o => IsProbability(o.GetProperty("name").GetString()!));
        bool? agreed = null;
        var (sum, count) = (0.0, 0);
        foreach (var output in ours)
        {
            string name = output.GetProperty("name").GetString()!;
            if (!theirs.TryGetValue(name, out var other))
            {
                agreed = false;
                continue;
            }

            if (output.GetProperty("datatype").GetString() is "FP16" or "FP32" or "FP64")
            {
                if (!hasProbability || IsProbability(name))
                {
                    var (a, b) = (Numbers(output.GetProperty("data")), Numbers(other.GetProperty("data")));
                    for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
                    {
                        sum += Math.Abs(a[i] - b[i]);
                        count++;
                    }
                }
            }
            else
            {
                agreed = (agreed ?? true) && JsonElement.DeepEquals(output.GetProperty("data"), other.GetProperty("data"));
            }
        }

        string id = main.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
        return new ShadowOutcome(id, agreed, count > 0 ? sum / count : null, main.GetProperty("outputs").GetRawText(), shadow.GetProperty("outputs").GetRawText());
    }

    private static bool IsProbability(string name)
    {
        string bare = name.EndsWith(".output", StringComparison.Ordinal) ? name[..^".output".Length] : name;
        return ProbabilityNames.Contains(bare, StringComparer.Ordinal);
    }

    private static double? MeanDifference(List<double> a, List<double> b)
    {
        int n = Math.Min(a.Count, b.Count);
        if (n == 0)
        {
            return null;
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum / n;
    }

    /// <summary>The numbers in a value or nested arrays, in order; strings such as "NaN" are left out.</summary>
    private static List<double> Numbers(JsonElement element)
    {
        var numbers = new List<double>();
        void Add(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Add(item);
                }
            }
            else if (e.ValueKind == JsonValueKind.Number)
            {
                numbers.Add(e.GetDouble());
            }
        }

        Add(element);
        return numbers;
    }

    private static string Without(JsonElement element, string property)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in element.EnumerateObject())
            {
                if (member.Name != property)
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
