using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Bindings;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Queues;

/// <summary>
/// Polls each queue-triggered function's queue with host.json's semantics: up to <c>batchSize</c> messages at once,
/// the next batch once no more than <c>newBatchThreshold</c> are still running, polling back-off up to
/// <c>maxPollingInterval</c>, a running message's visibility renewed so a long invocation keeps it, a failed message
/// retried after <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c> deliveries moved to <c>&lt;queue&gt;-poison</c>.
/// </summary>
internal sealed partial class QueueTriggerListener(
    WorkerHost worker,
    HostJson host,
    IConfiguration configuration,
    InputBindings inputs,
    OutputBindings outputs,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueTriggerOptions _options = host.Queues;

    /// <summary>How long a received message stays invisible; renewed at half of it while its function runs.</summary>
    internal TimeSpan ProcessingLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Runs the function on <paramref name="message"/> without the queue, as the admin endpoint does.</summary>
    public Task InvokeAsync(WorkerFunction function, string message, CancellationToken cancellationToken) =>
        InvokeAsync(function, message, new Dictionary<string, TypedData>(), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.FunctionsAsync(stoppingToken) is not { } functions)
        {
            return;
        }

        await Task.WhenAll(functions.Where(f => f.Is(BindingTypes.QueueTrigger)).Select(f => ListenAsync(f, stoppingToken)));
    }

    private async Task ListenAsync(WorkerFunction function, CancellationToken stoppingToken)
    {
        string queueName = AppSettingExpressions.Resolve(function.Trigger.GetString("queueName") ?? string.Empty, configuration);
        string connection = function.Trigger.GetString("connection") is { Length: > 0 } name ? name : StorageNames.ConnectionSetting;
        // Messages are read raw and decoded here, so that one that is not valid base64 can be set aside, not stuck.
        var queues = new StorageClientFactory(configuration, connection).CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        LogListening(logger, function.Name, queueName);

        var running = new List<Task>();
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

                running.RemoveAll(t => t.IsCompleted);
                if (running.Count > _options.EffectiveNewBatchThreshold)
                {
                    await Task.WhenAny(running).WaitAsync(stoppingToken);
                    continue;
                }

                // Not cancelled mid-request: a receive cut off by shutdown could lease messages nobody then processes.
                int wanted = Math.Clamp(_options.BatchSize - running.Count, 1, 32);
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(wanted, ProcessingLease, CancellationToken.None);
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollingInterval.Ticks));
                    continue;
                }

                delay = MinimumPollingInterval;
                running.AddRange(messages.Select(m => Task.Run(() => ProcessAsync(function, queue, poison, m, stoppingToken), CancellationToken.None)));
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

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ProcessAsync(WorkerFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        var lease = new MessageLease(queue, message);
        string? text = Decode(message.MessageText);
        if (text is null)
        {
            LogUndecodable(logger, message.MessageId, queue.Name);
            await MoveToPoisonAsync(queue, poison, lease, stoppingToken);
            return;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            // Already delivered more often than allowed (the process died while running it): set it aside.
            await MoveToPoisonAsync(queue, poison, lease, stoppingToken);
            return;
        }

        using var renewal = new CancellationTokenSource();
        var renewing = lease.RenewUntilCancelledAsync(ProcessingLease, renewal.Token);
        try
        {
            await InvokeAsync(function, text, Metadata(message, text), stoppingToken);
            await renewal.CancelAsync();
            await renewing;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            await renewal.CancelAsync();
            await renewing;
            LogMessageFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount);
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, lease, stoppingToken);
            }
            else
            {
                await lease.ReleaseAsync(_options.VisibilityTimeout);
            }

            return;
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-message: hand it back at once instead of leaving it leased for the whole lease.
            await renewal.CancelAsync();
            await renewing;
            await lease.ReleaseAsync(TimeSpan.Zero);
            LogReleased(logger, message.MessageId, queue.Name);
            return;
        }

        // Outside the function's try: a message that ran must not be retried or poisoned because its delete failed.
        try
        {
            await lease.DeleteAsync();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }

    private async Task InvokeAsync(WorkerFunction function, string message, IReadOnlyDictionary<string, TypedData> metadata, CancellationToken cancellationToken)
    {
        var request = function.CreateInvocation(new TypedData { String = message });
        foreach (var (key, value) in metadata)
        {
            request.TriggerMetadata[key] = value;
        }

        inputs.AddTo(function, request);
        var response = await worker.InvokeAsync(function, request, cancellationToken);
        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new FunctionFailedException(function.Name, response.Result.Exception);
        }

        await outputs.WriteAsync(function, response, request.TriggerMetadata, message, cancellationToken);
    }

    /// <summary>The trigger metadata the Functions host sends: numbers and dates as JSON (the worker refuses <c>int</c>).</summary>
    private static Dictionary<string, TypedData> Metadata(QueueMessage message, string text)
    {
        static TypedData Json(object? value) => new() { Json = JsonSerializer.Serialize(value) };
        return new Dictionary<string, TypedData>
        {
            ["QueueTrigger"] = new() { String = text },
            ["Id"] = new() { String = message.MessageId },
            ["PopReceipt"] = new() { String = message.PopReceipt },
            ["DequeueCount"] = Json(message.DequeueCount),
            ["InsertionTime"] = Json(message.InsertedOn),
            ["ExpirationTime"] = Json(message.ExpiresOn),
            ["NextVisibleTime"] = Json(message.NextVisibleOn),
        };
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, MessageLease lease, CancellationToken cancellationToken)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(lease.Message.MessageText, CancellationToken.None);
        await lease.DeleteAsync();
        LogPoisoned(logger, lease.Message.MessageId, queue.Name, poison.Name);
    }

    private string? Decode(string raw)
    {
        if (_options.Encoding == QueueMessageEncoding.None)
        {
            return raw;
        }

        var buffer = new byte[raw.Length];
        return Convert.TryFromBase64String(raw, buffer, out int written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
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
}
