using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>Reads a JSON string or array of strings as a list, so a spec may write <c>"positive": "yes"</c> or <c>"positive": ["&gt;50K", "&gt;50K."]</c>.</summary>
internal sealed class OneOrManyStringsConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                // Labels coded 1/2 or true/false are compared as the text the data holds.
                return [Raw(ref reader)];
            case JsonTokenType.StartArray:
                var values = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    values.Add(reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString()!,
                        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Raw(ref reader),
                        _ => throw new JsonException("A label's positive values must be strings or numbers."),
                    });
                }

                return values;
            default:
                throw new JsonException("A label's positive value must be a string, a number, or an array of them.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (string item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static string Raw(ref Utf8JsonReader reader) => System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
}
