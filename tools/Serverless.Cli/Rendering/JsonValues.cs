using System.Globalization;
using System.Text.Json;

namespace Serverless.Cli.Rendering;

/// <summary>
/// Reads the API's answers leniently for display: a missing or null member reads as empty, so a field the platform adds
/// or leaves out never breaks a table (the <c>--json</c> output has everything).
/// </summary>
internal static class JsonValues
{
    /// <summary>The member, or null when it is absent or JSON null.</summary>
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;

    /// <summary>The member as display text; empty when absent.</summary>
    public static string Text(this JsonElement element, string name) => element.Get(name) is { } value ? Display(value) : "";

    /// <summary>The member as a timestamp in UTC; empty when absent.</summary>
    public static string Time(this JsonElement element, string name) => FormatTime(element.Text(name));

    /// <summary>The member as a number, or null when absent or not a number.</summary>
    public static double? Number(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;

    /// <summary>The member's items when it is an array; none otherwise.</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>The member's properties when it is an object; none otherwise.</summary>
    public static IEnumerable<JsonProperty> Properties(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject() : [];

    /// <summary>A value as one line of text: strings as they are, numbers rounded for reading, objects as <c>key=value</c> pairs.</summary>
    public static string Display(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.TryGetInt64(out long whole) ? whole.ToString(CultureInfo.InvariantCulture) : FormatNumber(value.GetDouble()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name}={Display(p.Value)}")),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Display)),
        _ => "",
    };

    /// <summary>A metric or statistic, to four decimals.</summary>
    public static string FormatNumber(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 timestamp as <c>yyyy-MM-dd HH:mm:ssZ</c> in UTC; other text unchanged.</summary>
    public static string FormatTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : text;

    /// <summary>A byte count for reading (KiB, MiB...).</summary>
    public static string FormatBytes(double? bytes)
    {
        if (bytes is not { } value)
        {
            return "";
        }

        string[] units = ["B", "KiB", "MiB", "GiB"];
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{value:0} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>The first 12 characters of a hash, enough to tell versions apart in a table.</summary>
    public static string ShortHash(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
