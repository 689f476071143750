using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Drains the sampler's buffer into the sample queue: a batch is sent when it is full or
/// <see cref="MonitoringOptions.FlushInterval"/> after its first sample; when more than a batch is waiting, up to
/// <see cref="ConcurrentSends"/> messages go at once, so that at high rates the queue's round trip does not limit what is sent. A send that fails (storage down) is retried
/// with back-off while the batch is held; meanwhile the buffer fills and its overflow is counted as dropped. On
/// shutdown what is left is sent once; what cannot be is counted as dropped.
/// </summary>
internal sealed partial class SampleShipper(
    PredictionSampler sampler, QueueServiceClient queues, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<SampleShipper> logger) : BackgroundService
{
    /// <summary>Most messages in flight to the queue at once.</summary>
    internal const int ConcurrentSends = 4;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShutdownSendTime = TimeSpan.FromSeconds(5);

    private readonly MonitoringOptions _options = options.Value;
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.SampleQueue);
    private bool _queueExists;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PredictionSample>(_options.BatchSize);
        try
        {
            while (true)
            {
                await FillAsync(batch, stoppingToken);
                await SendWithRetriesAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(batch);
        }
    }

    private async Task FillAsync(List<PredictionSample> batch, CancellationToken stoppingToken)
    {
        var reader = sampler.Reader;
        await reader.WaitToReadAsync(stoppingToken);
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        flush.CancelAfter(_options.FlushInterval);
        while (true)
        {
            while (batch.Count < _options.BatchSize * ConcurrentSends && reader.TryRead(out var sample))
            {
                batch.Add(sample);
            }

            if (batch.Count >= _options.BatchSize)
            {
                return;
            }

            try
            {
                await reader.WaitToReadAsync(flush.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task SendWithRetriesAsync(List<PredictionSample> batch, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (batch.Count > 0)
        {
            try
            {
                await SendAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSendFailed(logger, batch.Count, delay, ex);
                _queueExists = false;
                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Sends the batch's messages, <see cref="ConcurrentSends"/> at a time; the samples of each message the queue accepted leave the batch, even when another fails.</summary>
    private async Task SendAsync(List<PredictionSample> batch, CancellationToken cancellationToken)
    {
        var (messages, tooLarge) = SampleMessages.Pack(batch, _options.BatchSize);
        if (tooLarge.Count > 0)
        {
            LogTooLarge(logger, tooLarge.Count, SampleMessages.MaxSampleBytes);
            sampler.ReportDropped(tooLarge);
            var dropped = tooLarge.ToHashSet<PredictionSample>(ReferenceEqualityComparer.Instance);
            batch.RemoveAll(dropped.Contains);
        }

        if (!_queueExists && messages.Count > 0)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _queueExists = true;
        }

        var sent = new HashSet<PredictionSample>(ReferenceEqualityComparer.Instance);
        try
        {
            await Parallel.ForEachAsync(
                messages,
                new ParallelOptions { MaxDegreeOfParallelism = ConcurrentSends, CancellationToken = cancellationToken },
                async (message, token) =>
                {
                    await _queue.SendMessageAsync(message.Json, token);
                    sampler.ReportSent(message.Samples);
                    lock (sent)
                    {
                        sent.UnionWith(message.Samples);
                    }
                });
        }
        finally
        {
            batch.RemoveAll(sent.Contains);
        }
    }

    private async Task FlushAsync(List<PredictionSample> batch)
    {
        while (sampler.Reader.TryRead(out var sample))
        {
            batch.Add(sample);
        }

        if (batch.Count == 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(ShutdownSendTime);
        try
        {
            await SendAsync(batch, timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnsentAtShutdown(logger, batch.Count, ex);
            sampler.ReportDropped(batch);
            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Count} samples to the sample queue failed; retrying in {Delay} while new samples overflow the buffer.")]
    private static partial void LogSendFailed(ILogger logger, int count, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} samples were dropped: each is over {MaxBytes} bytes of JSON.")]
    private static partial void LogTooLarge(ILogger logger, int count, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} samples could not be sent before shutdown and are counted as dropped.")]
    private static partial void LogUnsentAtShutdown(ILogger logger, int count, Exception exception);
}
