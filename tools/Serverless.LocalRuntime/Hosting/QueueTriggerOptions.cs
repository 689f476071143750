using Azure.Storage.Queues;

namespace Serverless.LocalRuntime.Hosting;

/// <summary>The queue trigger's settings from host.json's <c>extensions.queues</c>, with the Functions host's defaults.</summary>
internal sealed class QueueTriggerOptions
{
    public int BatchSize { get; set; } = 16;

    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before it is tried again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// How many messages may still be running before the next batch is fetched; the Functions host's default is half
    /// the batch size.
    /// </summary>
    public int? NewBatchThreshold { get; set; }

    /// <summary><c>base64</c> (the default) or <c>none</c>.</summary>
    public string MessageEncoding { get; set; } = "base64";

    /// <summary>The queue client's encoding for <see cref="MessageEncoding"/>.</summary>
    public QueueMessageEncoding Encoding =>
        string.Equals(MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None;

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;
}
