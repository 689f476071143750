using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Core.Batch;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

/// <summary>The storage side of the batch activities on Azurite: a chunk already written is not scored again; the finish step's files.</summary>
public sealed class BatchActivitiesTests
{
    private static async Task<(BatchActivities Activities, BlobContainerClient Outputs, BatchInput Batch)> CreateAsync()
    {
        var blobs = new BlobServiceClient(await TestStorage.GetConnectionStringAsync());
        string id = Guid.NewGuid().ToString("N")[..10];
        var outputs = blobs.GetBlobContainerClient("bout-" + id);
        await outputs.CreateIfNotExistsAsync();
        var batch = new BatchInput("batch-m-" + id, "m", 1, "bin-" + id, "m/file.csv", outputs.Name, "run", BatchFiles.Csv, 10, 2, "tester");
        // Only storage is wired: a step that tried to load or run a model would fail on it.
        return (new BatchActivities(blobs, null!, null!, null!), outputs, batch);
    }

    private static async Task WritePartAsync(BlobContainerClient outputs, BatchInput batch, int index, string batchId, int rows, int failed, string reasons)
    {
        await outputs.GetBlobClient(BatchActivities.PartName(batch, index)).UploadAsync(new BinaryData("x\n"u8.ToArray()), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>
            {
                ["batch"] = batchId,
                ["rows"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["failed"] = failed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["reasons"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(reasons)),
            },
        });
    }

    [Fact]
    public async Task ScoreChunkAsync_OutputThereWithThisBatchsMarker_ReturnsWhatItRecordedWithoutScoring()
    {
        var (activities, outputs, batch) = await CreateAsync();
        await WritePartAsync(outputs, batch, 1, batch.BatchId, 10, 2, """{"missing feature 'x'": 2}""");

        var result = await activities.ScoreChunkAsync(new ChunkWork(batch, ["x"], new BatchChunk(1, 11, 10, 0, 100, 0)), CancellationToken.None);

        Assert.True(result.Reused);
        Assert.Equal((1, 10, 2), (result.Index, result.Rows, result.Failed));
        Assert.Equal(2, result.Reasons["missing feature 'x'"]);
    }

    [Fact]
    public async Task ScoreChunkAsync_OutputOfAnotherBatch_ScoredAgain()
    {
        var (activities, outputs, batch) = await CreateAsync();
        await WritePartAsync(outputs, batch, 0, "batch-someone-else", 10, 0, "{}");

        // Scoring reads the input, which this test never wrote: the activity went on to score.
        var ex = await Assert.ThrowsAsync<BatchInputException>(() => activities.ScoreChunkAsync(new ChunkWork(batch, ["x"], new BatchChunk(0, 1, 10, 0, 100, 0)), CancellationToken.None));

        Assert.Contains("deleted or changed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreChunkAsync_InputChangedSinceItWasPlanned_FailsSayingSo()
    {
        var (activities, outputs, batch) = await CreateAsync();
        var input = new BlobServiceClient(await TestStorage.GetConnectionStringAsync()).GetBlobContainerClient(batch.InputContainer);
        await input.CreateIfNotExistsAsync();
        await input.GetBlobClient(batch.InputPath).UploadAsync(new BinaryData("x\n1\n"u8.ToArray()));
        string planned = (await input.GetBlobClient(batch.InputPath).GetPropertiesAsync()).Value.ETag.ToString();
        await input.GetBlobClient(batch.InputPath).UploadAsync(new BinaryData("x\n2\n"u8.ToArray()), overwrite: true);

        var ex = await Assert.ThrowsAsync<BatchInputException>(() => activities.ScoreChunkAsync(new ChunkWork(batch, ["x"], new BatchChunk(0, 1, 1, 2, 2, 0), planned), CancellationToken.None));

        Assert.Contains("deleted or changed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinishAsync_FailedRowsInTwoChunks_OneErrorsFileInRowOrderPiecesRemovedSummaryWritten()
    {
        var (activities, outputs, batch) = await CreateAsync();
        await outputs.GetBlobClient("run/_errors/part-00002.csv").UploadAsync(new BinaryData("25,feature 'x' is missing\n"u8.ToArray()));
        await outputs.GetBlobClient("run/_errors/part-00000.csv").UploadAsync(new BinaryData("3,feature 'x' is missing\n7,\"feature 'y' is not a number: 'a,b'\"\n"u8.ToArray()));
        var started = new DateTime(2026, 11, 27, 16, 0, 0, DateTimeKind.Utc);
        ChunkResult[] results =
        [
            new(0, 10, 2, new Dictionary<string, int> { ["missing feature 'x'"] = 1, ["feature 'y' is not a number"] = 1 }, false),
            new(1, 10, 0, new Dictionary<string, int>(), false),
            new(2, 5, 1, new Dictionary<string, int> { ["missing feature 'x'"] = 1 }, true),
        ];

        var summary = await activities.FinishAsync(new BatchFinishInput(batch, 25, results, started, started.AddSeconds(12.5), null), CancellationToken.None);

        Assert.Equal(("completed", 25L, 22L, 3L, 3), (summary.State, summary.Rows, summary.ScoredRows, summary.FailedRows, summary.Chunks));
        Assert.Equal(2, summary.FailureReasons["missing feature 'x'"]);
        Assert.Equal(12.5, summary.DurationSeconds);
        Assert.Equal($"{outputs.Name}/run/_errors.csv", summary.ErrorsFile);
        string errors = (await outputs.GetBlobClient("run/_errors.csv").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal("row_number,reason\n3,feature 'x' is missing\n7,\"feature 'y' is not a number: 'a,b'\"\n25,feature 'x' is missing\n", errors.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.False((await outputs.GetBlobClient("run/_errors/part-00000.csv").ExistsAsync()).Value);
        using var stored = JsonDocument.Parse((await outputs.GetBlobClient("run/_summary.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(22, stored.RootElement.GetProperty("scoredRows").GetInt32());
    }

    [Fact]
    public async Task FinishAsync_Failure_SummarySaysFailedWithTheReasonAndNoErrorsFile()
    {
        var (activities, outputs, batch) = await CreateAsync();
        var now = DateTime.UtcNow;

        var summary = await activities.FinishAsync(new BatchFinishInput(batch, 0, [], now, now, "The CSV cannot be parsed: ..."), CancellationToken.None);

        Assert.Equal("failed", summary.State);
        Assert.Equal("The CSV cannot be parsed: ...", summary.Failure);
        Assert.Null(summary.ErrorsFile);
        Assert.True((await outputs.GetBlobClient("run/_summary.json").ExistsAsync()).Value);
        Assert.False((await outputs.GetBlobClient("run/_errors.csv").ExistsAsync()).Value);
    }
}
