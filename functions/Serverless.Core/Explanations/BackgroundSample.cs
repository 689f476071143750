using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Monitoring.Evaluation;

namespace Serverless.Core.Explanations;

/// <summary>
/// Background rows drawn from a version's training baseline, each feature independently: numeric features from their
/// reference values (evenly spaced holdout quantiles), categorical ones by their category shares (the grouped rest,
/// <c>__other__</c>, left out). The draw is seeded, so the same baseline always gives the same rows.
/// </summary>
internal static class BackgroundSample
{
    /// <summary>The seed of every draw.</summary>
    public const int Seed = 20181119;

    /// <summary>Draws <paramref name="count"/> rows of <paramref name="inputs"/> (name, element type) as records API row objects.</summary>
    /// <exception cref="ExplanationUnavailableException">The baseline lacks an input, or has no values to draw it from.</exception>
    public static IReadOnlyList<JsonElement> Draw(MonitoringBaseline baseline, IReadOnlyList<(string Name, TensorElementType Type)> inputs, int count)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var columns = new List<Func<Random, Action<Utf8JsonWriter>>>(inputs.Count);
        foreach (var (name, type) in inputs)
        {
            var feature = baseline.Features.FirstOrDefault(f => f.Name == name)
                ?? throw new ExplanationUnavailableException($"Version {baseline.Version}'s training baseline has no feature '{name}', which the model takes, so no background can be drawn for it.");
            bool integer = type is TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Int16 or TensorElementType.Int8;
            if (feature.Frequencies is { Count: > 0 } frequencies && frequencies.Keys.Any(k => k != "__other__"))
            {
                var categories = frequencies.Where(kv => kv.Key != "__other__" && kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
                double total = categories.Sum(kv => kv.Value);
                columns.Add(random =>
                {
                    double u = random.NextDouble() * total;
                    string chosen = categories[^1].Key;
                    foreach (var (category, share) in categories)
                    {
                        if ((u -= share) < 0)
                        {
                            chosen = category;
                            break;
                        }
                    }

                    return writer => writer.WriteString(name, chosen);
                });
            }
            else if (baseline.References?.GetValueOrDefault(name) is { Count: > 0 } references)
            {
                columns.Add(random =>
                {
                    double v = references[random.Next(references.Count)];
                    return writer => Number(writer, name, v, integer);
                });
            }
            else if (feature.Mean is { } mean)
            {
                columns.Add(_ => writer => Number(writer, name, mean, integer));
            }
            else
            {
                throw new ExplanationUnavailableException($"Version {baseline.Version}'s training baseline has no values for feature '{name}' to draw a background from.");
            }
        }

        var randoms = inputs.Select((_, i) => new Random(Seed + i)).ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int r = 0; r < count; r++)
            {
                writer.WriteStartObject();
                for (int i = 0; i < columns.Count; i++)
                {
                    columns[i](randoms[i])(writer);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static void Number(Utf8JsonWriter writer, string name, double value, bool integer)
    {
        if (integer)
        {
            writer.WriteNumber(name, (long)Math.Round(value, MidpointRounding.AwayFromZero));
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    /// <summary>How the background is described in answers.</summary>
    public static string Describe(MonitoringBaseline baseline, int count) => string.Create(
        CultureInfo.InvariantCulture,
        $"{count} background rows drawn (seed {Seed}, each feature independently) from version {baseline.Version}'s training baseline ({baseline.Source})");
}
