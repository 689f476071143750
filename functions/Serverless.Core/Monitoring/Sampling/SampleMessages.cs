using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// The sample queue's messages: JSON arrays of samples, at most a batch size of them and <see cref="MaxMessageBytes"/>
/// of JSON each, so that a message stays within the queue's 64 KiB once base64-encoded.
/// </summary>
internal static class SampleMessages
{
    /// <summary>Most UTF-8 bytes of JSON in one message (base64 makes it a third larger).</summary>
    public const int MaxMessageBytes = 45 * 1024;

    /// <summary>
    /// Most bytes of one sample: its features and prediction are kept as table properties, which hold at most 32K
    /// characters; a larger sample is dropped.
    /// </summary>
    public const int MaxSampleBytes = 30 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Splits <paramref name="samples"/> into messages; samples too large for any message come back in <c>TooLarge</c>.</summary>
    public static (List<SampleMessage> Messages, List<PredictionSample> TooLarge) Pack(IReadOnlyList<PredictionSample> samples, int batchSize, int maxBytes = MaxMessageBytes)
    {
        var messages = new List<SampleMessage>();
        var tooLarge = new List<PredictionSample>();
        var current = new List<PredictionSample>();
        var text = new StringBuilder("[");
        int bytes = 2;
        void Close()
        {
            if (current.Count > 0)
            {
                messages.Add(new SampleMessage(text.Append(']').ToString(), current));
                current = [];
                text.Clear().Append('[');
                bytes = 2;
            }
        }

        foreach (var sample in samples)
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(sample, Json);
            if (json.Length > Math.Min(MaxSampleBytes, maxBytes - 2))
            {
                tooLarge.Add(sample);
                continue;
            }

            if (current.Count >= batchSize || bytes + json.Length + (current.Count > 0 ? 1 : 0) > maxBytes)
            {
                Close();
            }

            if (current.Count > 0)
            {
                text.Append(',');
                bytes++;
            }

            text.Append(Encoding.UTF8.GetString(json));
            bytes += json.Length;
            current.Add(sample);
        }

        Close();
        return (messages, tooLarge);
    }

    /// <summary>Reads a message's samples.</summary>
    /// <exception cref="JsonException">The message is not a JSON array of samples.</exception>
    public static List<PredictionSample> Parse(string message) =>
        JsonSerializer.Deserialize<List<PredictionSample>>(message, Json) ?? throw new JsonException("A sample message is a JSON array, not null.");

    /// <summary>A name for a message's content: the same message, delivered again, gets the same name.</summary>
    public static string BatchId(string message) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message)))[..32];
}
