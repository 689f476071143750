using System.Text.Json;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// Reads a request body as a JSON object. Python clients (<c>json.dumps</c>, tritonclient) write non-finite floats as the
/// bare words <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, which JSON does not have: outside strings they are read
/// as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>, the protocol's own spelling.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Parses the body; the caller disposes the document.</summary>
    /// <exception cref="InvalidInferenceRequestException">The body is not a JSON object.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(QuoteNonFinite(body), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidInferenceRequestException("The body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw NotJson(ex);
        }
    }

    /// <summary>The answer to a body that is not JSON, with the reader's account of where.</summary>
    public static InvalidInferenceRequestException NotJson(JsonException exception) =>
        new($"The body is not valid JSON: {exception.Message}", exception);

    /// <summary>The body with bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> outside strings quoted; the body itself when it has none.</summary>
    public static ReadOnlyMemory<byte> QuoteNonFinite(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;

        // Outside strings, JSON's only letters are those of true, false and null: an N or I is one of these words or an error.
        if (span.IndexOfAny((byte)'N', (byte)'I') < 0)
        {
            return body;
        }

        List<byte>? copy = null;
        int copied = 0;
        bool inString = false;
        for (int i = 0; i < span.Length; i++)
        {
            byte b = span[i];
            if (inString)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == '"')
            {
                inString = true;
                continue;
            }

            int length = Word(span[i..]);
            if (length == 0)
            {
                continue;
            }

            copy ??= new List<byte>(span.Length + 16);
            copy.AddRange(span[copied..i]);
            copy.Add((byte)'"');
            copy.AddRange(span.Slice(i, length));
            copy.Add((byte)'"');
            i += length - 1;
            copied = i + 1;
        }

        if (copy is null)
        {
            return body;
        }

        copy.AddRange(span[copied..]);
        return copy.ToArray();
    }

    private static int Word(ReadOnlySpan<byte> rest) =>
        rest.StartsWith("NaN"u8) ? 3 :
        rest.StartsWith("Infinity"u8) ? 8 :
        rest.StartsWith("-Infinity"u8) ? 9 :
        0;
}
