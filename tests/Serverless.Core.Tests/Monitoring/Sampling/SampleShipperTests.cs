using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class SampleShipperTests
{
    private static MonitoringOptions Options(string queue, int capacity = 10_000) =>
        new() { SampleRate = 1, BufferCapacity = capacity, BatchSize = 100, FlushInterval = TimeSpan.FromMilliseconds(100), SampleQueue = queue };

    private static SampleShipper Shipper(PredictionSampler sampler, QueueServiceClient queues, MonitoringOptions options, ILogger<SampleShipper>? logger = null) =>
        new(sampler, queues, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, logger ?? NullLogger<SampleShipper>.Instance);

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ExecuteAsync_SamplesBuffered_SentAsBatchesHoldingEverySample()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var options = Options("ship-" + Guid.NewGuid().ToString("N")[..10]);
        var queues = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        using var sampler = new PredictionSampler(Microsoft.Extensions.Options.Options.Create(options));
        var (rows, response) = PredictionSamplerTests.Records(250);
        sampler.SampleRecords(PredictionSamplerTests.Version, rows, response);
        using var shipper = Shipper(sampler, queues, options);

        await shipper.StartAsync(CancellationToken.None);
        await UntilAsync(() => sampler.GetStatistics().Sent == 250);
        await shipper.StopAsync(CancellationToken.None);

        Assert.Equal(new SamplingStatistics(250, 250, 0, 0), sampler.GetStatistics());
        var messages = (await queues.GetQueueClient(options.SampleQueue).ReceiveMessagesAsync(32)).Value;
        var ids = messages.SelectMany(m => SampleMessages.Parse(m.Body.ToString())).Select(s => s.PredictionId).ToList();
        Assert.Equal(250, ids.Count);
        Assert.Equal(250, ids.Distinct().Count());
        Assert.Equal(3, messages.Length);
    }

    [Fact]
    public async Task ExecuteAsync_StorageDown_OverflowAndUnsentAtShutdownCountedAsDropped()
    {
        // Nothing listens on port 1: every send fails at once.
        var down = new QueueServiceClient(new Uri("http://127.0.0.1:1/devstoreaccount1"), new QueueClientOptions { Retry = { MaxRetries = 0 } });
        var options = Options("down-queue", capacity: 5);
        using var sampler = new PredictionSampler(Microsoft.Extensions.Options.Options.Create(options));
        var failures = new FailureSignal();
        using var shipper = Shipper(sampler, down, options, failures);
        await shipper.StartAsync(CancellationToken.None);

        var (rows, response) = PredictionSamplerTests.Records(3);
        sampler.SampleRecords(PredictionSamplerTests.Version, rows, response);

        // Once a send has failed the shipper holds its batch and retries it, reading nothing more from the buffer.
        await failures.FirstWarning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var (more, moreResponse) = PredictionSamplerTests.Records(20);
        sampler.SampleRecords(PredictionSamplerTests.Version, more, moreResponse);
        var during = sampler.GetStatistics();
        await shipper.StopAsync(CancellationToken.None);

        // The shipper holds the first 3 while it retries, the buffer 5 more; the other 15 overflow.
        Assert.Equal(new SamplingStatistics(23, 0, 15, 8), during);
        Assert.Equal(new SamplingStatistics(23, 0, 23, 0), sampler.GetStatistics());
    }

    private sealed class FailureSignal : ILogger<SampleShipper>
    {
        public TaskCompletionSource FirstWarning { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                FirstWarning.TrySetResult();
            }
        }
    }
}
