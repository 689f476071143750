using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Serverless.LocalRuntime.Queues;

/// <summary>
/// A received message and its current pop receipt: every visibility update issues a new receipt, and only the latest
/// one can delete or update the message.
/// </summary>
internal sealed class MessageLease(QueueClient queue, QueueMessage message)
{
    private readonly Lock _gate = new();
    private string _popReceipt = message.PopReceipt;

    public QueueMessage Message { get; } = message;

    /// <summary>Keeps the message invisible while its function runs, renewing at half of <paramref name="lease"/>.</summary>
    public async Task RenewUntilCancelledAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 2, cancellationToken);

                // Not cancelled midway: an update the service applied but whose answer was dropped would lose the new receipt.
                await UpdateAsync(lease, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The function finished.
        }
        catch (Azure.RequestFailedException)
        {
            // Storage unreachable for a moment: the message may reappear; the next delivery counts it.
        }
    }

    /// <summary>Makes the message visible again after <paramref name="delay"/>.</summary>
    public Task ReleaseAsync(TimeSpan delay) => UpdateAsync(delay, CancellationToken.None);

    public async Task DeleteAsync()
    {
        string receipt;
        lock (_gate)
        {
            receipt = _popReceipt;
        }

        await queue.DeleteMessageAsync(Message.MessageId, receipt, CancellationToken.None);
    }

    private async Task UpdateAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        string receipt;
        lock (_gate)
        {
            receipt = _popReceipt;
        }

        UpdateReceipt updated = await queue.UpdateMessageAsync(Message.MessageId, receipt, visibilityTimeout: visibility, cancellationToken: cancellationToken);
        lock (_gate)
        {
            _popReceipt = updated.PopReceipt;
        }
    }
}
