using System.Buffers;
using System.Text;

namespace Serverless.Core.Batch;

/// <summary>
/// The few CSV pieces the output writer puts together itself: it repeats each input row's own bytes (no decoding and
/// re-encoding, no change to the input's quoting) and appends the added fields, which a CSV writer cannot do.
/// </summary>
internal static class CsvText
{
    /// <summary>The line break between records (RFC 4180), as the errors file's writer uses.</summary>
    public static ReadOnlySpan<byte> NewLine => "\r\n"u8;

    /// <summary>Writes <paramref name="text"/> as one field, quoted when it holds a separator, a quote, a line break or outer spaces.</summary>
    public static void WriteField(IBufferWriter<byte> output, string text)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(text);
        bool quote = text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])));
        if (!quote)
        {
            Write(output, text);
            return;
        }

        Write(output, "\"");
        Write(output, text.Replace("\"", "\"\"", StringComparison.Ordinal));
        Write(output, "\"");
    }

    /// <summary>Writes the UTF-8 bytes.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static void Write(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
