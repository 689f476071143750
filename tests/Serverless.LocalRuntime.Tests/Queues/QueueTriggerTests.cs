using Azure.Storage.Queues;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Queues;

public sealed class QueueTriggerTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task FailingMessage_AfterMaxDequeueCount_MovesToPoisonQueueUnchanged()
    {
        string marker = "not a request " + Guid.NewGuid().ToString("N");
        var queue = new QueueClient(fixture.ConnectionString, StorageNames.SelfCheckQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(marker);

        await WaitForPoisonAsync(marker);
    }

    [Fact]
    public async Task MessageNotBase64_MovesToPoisonQueueInsteadOfBlockingTheQueue()
    {
        string marker = "raw text, not base64 " + Guid.NewGuid().ToString("N");
        var raw = new QueueClient(fixture.ConnectionString, StorageNames.SelfCheckQueue);
        await raw.CreateIfNotExistsAsync();

        await raw.SendMessageAsync(marker);

        var poison = new QueueClient(fixture.ConnectionString, StorageNames.SelfCheckQueue + "-poison");
        await Eventually.GetAsync<object>(async () =>
        {
            if (!await poison.ExistsAsync())
            {
                return null;
            }

            var messages = await poison.PeekMessagesAsync(32);
            return messages.Value.Any(m => m.Body.ToString() == marker) ? true : null;
        }, TimeSpan.FromSeconds(30), "the undecodable message in the poison queue");
    }

    private async Task WaitForPoisonAsync(string marker)
    {
        // Read raw: the poison queue also holds the other test's message, which is not base64.
        string encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(marker));
        var poison = new QueueClient(fixture.ConnectionString, StorageNames.SelfCheckQueue + "-poison");
        await Eventually.GetAsync<object>(async () =>
        {
            if (!await poison.ExistsAsync())
            {
                return null;
            }

            // Peek sees at most 32 messages: other tests' poison messages are few, and this marker is unique.
            var messages = await poison.PeekMessagesAsync(32);
            return messages.Value.Any(m => m.Body.ToString() == encoded) ? true : null;
        }, TimeSpan.FromSeconds(45), "the failing message in the poison queue");
    }
}
