using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Core.Training.Specs;

/// <summary>
/// A value's canonical JSON: the records' own property names, object members in ordinal order, no indentation; so
/// the same spec gives the same text, and the same SHA-256, whatever order its author wrote it in.
/// </summary>
internal static class CanonicalJson
{
    /// <summary>The canonical JSON of <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => Sorted(JsonSerializer.SerializeToNode(value))?.ToJsonString() ?? "null";

    /// <summary>Lower-case hex SHA-256 of the UTF-8 canonical JSON of <paramref name="value"/>.</summary>
    public static string Sha256<T>(T value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(value))));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
