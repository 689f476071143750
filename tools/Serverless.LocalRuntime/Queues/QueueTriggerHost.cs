using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Functions;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Queues;

/// <summary>
/// Polls each queue-triggered function's queue with host.json's semantics: up to <c>batchSize</c> messages at once,
/// polling back off up to <c>maxPollingInterval</c>, a failed message retried after <c>visibilityTimeout</c>, and
/// after <c>maxDequeueCount</c> failures moved to <c>&lt;queue&gt;-poison</c>.
/// </summary>
internal sealed partial class QueueTriggerHost(
    FunctionCatalog catalog,
    HostJson host,
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    ILogger<QueueTriggerHost> logger) : BackgroundService
{
    // The Functions host leases a message for 10 minutes while a function runs on it.
    private static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueTriggerOptions _options = host.Queues;

    /// <summary>Runs a function on <paramref name="message"/> without the queue, as Core Tools' admin endpoint does.</summary>
    public void InvokeInBackground(FunctionDescriptor function, string message)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await InvokeAsync(function, message, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogAdminInvocationFailed(logger, ex, function.Name);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listeners = catalog.OfKind(TriggerKind.QueueTrigger).Select(f => ListenAsync(f, stoppingToken)).ToList();
        await Task.WhenAll(listeners);
    }

    private async Task ListenAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        string queueName = AppSettingExpressions.Resolve(function.QueueName!, configuration);
        var factory = new StorageClientFactory(configuration, function.Connection ?? StorageNames.ConnectionSetting);
        // Messages are read raw and decoded here, so that one that is not valid base64 can be set aside, not stuck.
        var queues = factory.CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        LogListening(logger, function.Name, queueName);

        TimeSpan delay = MinimumPollingInterval;
        bool created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }

                // Not cancelled mid-request: a receive cut off by shutdown could lease messages nobody then processes.
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(_options.BatchSize, ProcessingLease, CancellationToken.None);
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollingInterval.Ticks));
                    continue;
                }

                delay = MinimumPollingInterval;
                await Task.WhenAll(messages.Select(m => ProcessAsync(function, queue, poison, m, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage unavailable: keep the process alive and try again after the longest polling interval.
                LogPollFailed(logger, ex, queueName);
                created = false;
                await Task.Delay(_options.MaxPollingInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ProcessAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        string? text = Decode(message.MessageText);
        if (text is null)
        {
            LogUndecodable(logger, message.MessageId, queue.Name);
            await MoveToPoisonAsync(queue, poison, message, stoppingToken);
            return;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            // Already delivered more often than allowed (the process died while running it): set it aside.
            await MoveToPoisonAsync(queue, poison, message, stoppingToken);
            return;
        }

        try
        {
            await InvokeAsync(function, text, stoppingToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogMessageFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount);
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, stoppingToken);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-message: hand it back at once instead of leaving it leased for the whole lease.
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            LogReleased(logger, message.MessageId, queue.Name);
        }
    }

    private async Task InvokeAsync(FunctionDescriptor function, string message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, Bind(function.TriggerParameter.ParameterType, message), cancellationToken);
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        LogPoisoned(logger, message.MessageId, queue.Name, poison.Name);
    }

    private string? Decode(string raw)
    {
        if (!string.Equals(_options.MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase))
        {
            return raw;
        }

        var buffer = new byte[raw.Length];
        return Convert.TryFromBase64String(raw, buffer, out int written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    private static object? Bind(Type type, string message)
    {
        if (type == typeof(string))
        {
            return message;
        }

        if (type == typeof(BinaryData))
        {
            return BinaryData.FromString(message);
        }

        if (type == typeof(byte[]))
        {
            return Encoding.UTF8.GetBytes(message);
        }

        return JsonSerializer.Deserialize(message, type, JsonSerializerOptions.Web);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue trigger {FunctionName} listens on {QueueName}")]
    private static partial void LogListening(ILogger logger, string functionName, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {QueueName} failed; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} failed on message {MessageId} (delivery {DequeueCount} of {MaxDequeueCount})")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception, string functionName, string messageId, long dequeueCount, int maxDequeueCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} on {QueueName} handed back at shutdown")]
    private static partial void LogReleased(ILogger logger, string messageId, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on {QueueName} is not valid base64")]
    private static partial void LogUndecodable(ILogger logger, string messageId, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved from {QueueName} to {PoisonQueueName}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string queueName, string poisonQueueName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin invocation of {FunctionName} failed")]
    private static partial void LogAdminInvocationFailed(ILogger logger, Exception exception, string functionName);
}
