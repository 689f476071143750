using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// The "new data" queue as a sender: puts a retraining request back with a delay when its model is busy, so the request
/// waits for the running retraining instead of exhausting its dequeue count and landing in the poison queue.
/// </summary>
public sealed class RetrainingRequestSender(QueueServiceClient queues, IOptions<RetrainingOptions> options)
{
    // The platform's queue clients encode base64, as the queue trigger (host.json's messageEncoding) decodes.
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.Queue);

    /// <summary>How long a request for a busy model waits.</summary>
    public TimeSpan BusyRetryDelay { get; } = options.Value.BusyRetryDelay;

    /// <summary>Sends <paramref name="request"/>, visible after <paramref name="delay"/>.</summary>
    public async Task SendAsync(RetrainingRequest request, TimeSpan delay, CancellationToken cancellationToken)
    {
        await _queue.SendMessageAsync(JsonSerializer.Serialize(request), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}
