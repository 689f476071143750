using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Core.Serving.Routing;

/// <summary>
/// Decides whether a request goes to an alias's canary. With a routing key the choice is sticky: the key and the model
/// name are hashed (SHA-256, stable across processes, machines and releases, unlike <c>string.GetHashCode</c>) to a
/// point in [0, 1), and the canary takes the points below its weight. So one key always gets one version, and raising
/// the weight only moves keys from the alias's version to the canary, never back (consistent hashing). Without a key
/// the choice is random, at the weight.
/// </summary>
internal static class CanaryRouter
{
    /// <summary>The request header that carries the routing key (both <c>/infer</c> and <c>/predict</c>).</summary>
    public const string Header = "X-Routing-Key";

    /// <summary>
    /// The body field that carries it when the header is absent: in <c>/infer</c>'s <c>parameters</c>, and at the top
    /// level of <c>/predict</c>'s body.
    /// </summary>
    public const string Field = "routing_key";

    private const int StackLimit = 256;

    /// <summary>The routing key at the top level of a records API request, if any.</summary>
    public static string? FromRecords(JsonElement request) => request.ValueKind == JsonValueKind.Object ? KeyOf(request) : null;

    /// <summary>Whether the request goes to the canary that takes <paramref name="weight"/> of the traffic.</summary>
    public static bool ToCanary(string model, string? routingKey, double weight) =>
        weight > 0 && (routingKey is null ? Random.Shared.NextDouble() < weight : Point(model, routingKey) < weight);

    private static string? KeyOf(JsonElement container)
    {
        if (!container.TryGetProperty(Field, out var key))
        {
            return null;
        }

        return key.ValueKind switch
        {
            JsonValueKind.String => key.GetString(),
            JsonValueKind.Number => key.GetRawText(),
            JsonValueKind.Null => null,
            _ => throw new InvalidInferenceRequestException($"'{Field}' must be a string (or a number): the key that keeps one caller on one version."),
        };
    }

    /// <summary>The key's point in [0, 1) for <paramref name="model"/>: the first 8 bytes of SHA-256 over the model name, a NUL and the key (UTF-8).</summary>
    public static double Point(string model, string routingKey)
    {
        int length = Encoding.UTF8.GetMaxByteCount(model.Length + routingKey.Length + 1);
        byte[]? rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> text = rented ?? stackalloc byte[StackLimit];
            int written = Encoding.UTF8.GetBytes(model, text);
            text[written++] = 0;
            written += Encoding.UTF8.GetBytes(routingKey, text[written..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text[..written], hash);
            // The top 53 bits: every double in [0, 1) they make is exact.
            return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
