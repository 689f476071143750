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
        var queue = new QueueClient(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(marker);

        await WaitForPoisonAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(marker)));
    }

    [Fact]
    public async Task MessageNotBase64_MovesToPoisonQueueInsteadOfBlockingTheQueue()
    {
        string marker = "raw text, not base64 " + Guid.NewGuid().ToString("N");
        var raw = new QueueClient(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue);
        await raw.CreateIfNotExistsAsync();

        await raw.SendMessageAsync(marker);

        await WaitForPoisonAsync(marker);
    }

    /// <summary>Waits until the poison queue holds a message whose raw (undecoded) body is <paramref name="rawBody"/>.</summary>
    private async Task WaitForPoisonAsync(string rawBody)
    {
        // Read raw: the poison queue holds base64 messages and the undecodable one side by side.
        var poison = new QueueClient(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue + "-poison");
        await Eventually.GetAsync<object>(async () =>
        {
            if (!await poison.ExistsAsync())
            {
                return null;
            }

            // Peek sees at most 32 messages: other tests' poison messages are few, and this marker is unique.
            var messages = await poison.PeekMessagesAsync(32);
            return messages.Value.Any(m => m.Body.ToString() == rawBody) ? true : null;
        }, TimeSpan.FromSeconds(45), "the failing message in the poison queue");
    }
}
