using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Blobs;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Batch;
using Serverless.Core.Registry;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

/// <summary>
/// The batch orchestration on the Durable Task Framework's Azure Storage backend (the one Durable Functions uses), over
/// Azurite: a worker dies after a chunk wrote its part but before the chunk's completion was recorded; a new worker
/// finishes the batch, and no finished chunk is scored again.
/// </summary>
public sealed class BatchRecoveryTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Batch_WorkerKilledAfterAChunkWroteItsPart_NewWorkerFinishesWithoutScoringAFinishedChunkAgain()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection, ["Monitoring:SampleRate"] = "0" }).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddServerlessCore(configuration).BuildServiceProvider();
        var activities = services.GetRequiredService<BatchActivities>();
        string id = Guid.NewGuid().ToString("N")[..10];
        var info = await services.GetRequiredService<ModelRegistry>().RegisterAsync("recovery-" + id, DemoClassifier.Train().Onnx, new RegistrationMetadata("tester"), CancellationToken.None);
        var blobs = new BlobServiceClient(connection);
        var inputs = blobs.GetBlobContainerClient("rin-" + id);
        var outputs = blobs.GetBlobContainerClient("rout-" + id);
        await inputs.CreateIfNotExistsAsync();
        await outputs.CreateIfNotExistsAsync();
        string csv = "income,debt_ratio,years_employed,late_payments,employment\n" + string.Concat(Enumerable.Range(1, 8).Select(i => $"{20 + (i * 9)},0.3,{i},{i % 3},{(i % 2 == 0 ? "salaried" : "contract")}\n"));
        await inputs.GetBlobClient("m/file.csv").UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(csv)));
        var batch = new BatchInput("batch-recovery-" + id, info.Name, info.Version, inputs.Name, "m/file.csv", outputs.Name, "run", BatchFiles.Csv, ChunkRows: 2, MaxParallelChunks: 1, "tester");
        var hub = Settings(connection, "recovery" + id[..8]);

        // The first worker scores chunks 0 and 1; chunk 1 writes its part and the worker dies before it can say so.
        var partWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var never = new CancellationTokenSource();
        var first = await StartWorkerAsync(hub, activities, async work =>
        {
            var result = await activities.ScoreChunkAsync(work, CancellationToken.None);
            if (work.Chunk.Index == 1)
            {
                partWritten.TrySetResult();
                await Task.Delay(Timeout.Infinite, never.Token);
            }

            return result;
        });
        var client = new TaskHubClient(new AzureStorageOrchestrationService(hub), new ShimDataConverter());
        var instance = await client.CreateOrchestrationInstanceAsync(BatchWorkflow.OrchestratorName, string.Empty, batch.BatchId, batch);
        await partWritten.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var writtenOnce = (await outputs.GetBlobClient("run/part-00001.csv").GetPropertiesAsync()).Value;
        await first.StopAsync(isForced: true);

        var rescored = new ConcurrentBag<(int Index, bool Reused)>();
        var second = await StartWorkerAsync(hub, activities, async work =>
        {
            var result = await activities.ScoreChunkAsync(work, CancellationToken.None);
            rescored.Add((work.Chunk.Index, result.Reused));
            return result;
        });
        try
        {
            var state = await client.WaitForOrchestrationAsync(instance, TimeSpan.FromSeconds(60));
            never.Cancel();

            Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
            var summary = Microsoft.DurableTask.Converters.JsonDataConverter.Default.Deserialize<BatchSummary>(state.Output)!;
            Assert.Equal(("completed", 8L, 8L, 4), (summary.State, summary.Rows, summary.ScoredRows, summary.Chunks));

            // Chunk 0's completion was recorded before the worker died: it was not run again. Chunk 1 ran again and
            // found its part: it was not scored again, and its part is the one written before the worker died.
            Assert.DoesNotContain(rescored, r => r.Index == 0);
            Assert.Contains((1, true), rescored);
            Assert.Equal([2, 3], rescored.Where(r => !r.Reused).Select(r => r.Index).Order());
            var after = (await outputs.GetBlobClient("run/part-00001.csv").GetPropertiesAsync()).Value;
            Assert.Equal(writtenOnce.ETag, after.ETag);
            Assert.True((await outputs.GetBlobClient("run/_summary.json").ExistsAsync()).Value);
        }
        finally
        {
            await second.StopAsync(isForced: true);
        }
    }

    private static AzureStorageOrchestrationServiceSettings Settings(string connection, string hubName) => new()
    {
        TaskHubName = hubName,
        StorageAccountClientProvider = new StorageAccountClientProvider(connection),
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
        WorkItemQueueVisibilityTimeout = Visibility,
        ControlQueueVisibilityTimeout = Visibility,
        LeaseInterval = TimeSpan.FromSeconds(3),
        LeaseRenewInterval = TimeSpan.FromSeconds(1),
        LeaseAcquireInterval = TimeSpan.FromSeconds(1),
        PartitionCount = 1,
    };

    private static async Task<TaskHubWorker> StartWorkerAsync(AzureStorageOrchestrationServiceSettings settings, BatchActivities activities, Func<ChunkWork, Task<ChunkResult>> scoreChunk)
    {
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory();
        var worker = new TaskHubWorker(service);
        worker.AddTaskOrchestrations(new Creator<TaskOrchestration>(BatchWorkflow.OrchestratorName, () =>
            shims.CreateOrchestration<BatchInput?, BatchSummary?>(BatchWorkflow.OrchestratorName, async (context, input) => await BatchWorkflow.RunAsync(context, input!))));
        worker.AddTaskActivities(
            new Creator<TaskActivity>(BatchWorkflow.PlanActivity, () => shims.CreateActivity<BatchInput?, BatchPlan?>(BatchWorkflow.PlanActivity, async (_, input) => await activities.PlanAsync(input!, CancellationToken.None))),
            new Creator<TaskActivity>(BatchWorkflow.ScoreActivity, () => shims.CreateActivity<ChunkWork?, ChunkResult?>(BatchWorkflow.ScoreActivity, async (_, work) => await scoreChunk(work!))),
            new Creator<TaskActivity>(BatchWorkflow.FinishActivity, () => shims.CreateActivity<BatchFinishInput?, BatchSummary?>(BatchWorkflow.FinishActivity, async (_, input) => await activities.FinishAsync(input!, CancellationToken.None))));
        await worker.StartAsync();
        return worker;
    }

    // A fresh shim per work item: a shim holds one execution's state.
    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }

    // Inputs as the isolated worker's shims read them (System.Text.Json), not DTFx's own (Newtonsoft) format.
    private sealed class ShimDataConverter : DurableTask.Core.Serializing.DataConverter
    {
        public override string Serialize(object value) => Microsoft.DurableTask.Converters.JsonDataConverter.Default.Serialize(value)!;

        public override string Serialize(object value, bool formatted) => Serialize(value);

        public override object Deserialize(string data, Type objectType) => Microsoft.DurableTask.Converters.JsonDataConverter.Default.Deserialize(data, objectType)!;
    }
}
