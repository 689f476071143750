using Azure.Storage.Queues;
using Serverless.LocalRuntime.Queues;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Queues;

public sealed class MessageLeaseTests
{
    [Fact]
    public async Task RenewUntilCancelled_InvocationLongerThanTheLease_MessageStaysInvisibleAndDeletesWithTheLatestReceipt()
    {
        var queue = new QueueClient(await TestStorage.GetConnectionStringAsync(), "lease-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("long job");
        var lease = TimeSpan.FromSeconds(2);
        var received = (await queue.ReceiveMessagesAsync(1, lease)).Value.Single();
        var leased = new MessageLease(queue, received);
        using var running = new CancellationTokenSource();

        var renewing = leased.RenewUntilCancelledAsync(lease, running.Token);
        await Task.Delay(lease * 3);

        // Without renewal it would have been visible again twice over by now.
        Assert.Empty((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);
        await running.CancelAsync();
        await renewing;
        await leased.DeleteAsync();
        Assert.Empty((await queue.PeekMessagesAsync(1)).Value);
        await queue.DeleteAsync();
    }
}
