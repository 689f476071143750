using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Parquet.Schema;
using Parquet.Serialization;
using Serverless.Core.Batch;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

/// <summary>What a batch start checks and claims before any work, on Azurite: the input's columns from its header or schema alone, and the output prefix claimed atomically.</summary>
public sealed class BatchServiceTests
{
    private static async Task<BlobContainerClient> ContainerAsync(string kind)
    {
        var container = new BlobServiceClient(await TestStorage.GetConnectionStringAsync()).GetBlobContainerClient($"{kind}-{Guid.NewGuid():N}"[..20]);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    private static BatchInput Batch(string id, string container) =>
        new(id, "m", 3, "in", "m/file.csv", container, "run", BatchFiles.Csv, 10, 2, "tester");

    private static async Task<BlobClient> ParquetAsync(BlobContainerClient container, params string[] columns)
    {
        var schema = new ParquetSchema([.. columns.Select(c => (Field)new DataField<double>(c))]);
        var row = (IDictionary<string, object?>)columns.ToDictionary(c => c, _ => (object?)1.0);
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync([row], schema, file);
        file.Position = 0;
        var blob = container.GetBlobClient("in/file.parquet");
        await blob.UploadAsync(file, overwrite: true);
        return blob;
    }

    [Fact]
    public async Task ClaimAsync_TwoStartsRacingForOnePrefix_ExactlyOneClaimsItTheOtherGetsAConflict()
    {
        var outputs = await ContainerAsync("claim");
        var now = DateTimeOffset.UtcNow;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await BatchService.ClaimAsync(outputs, Batch($"batch-m-{i}", outputs.Name), now, CancellationToken.None);
                return (Id: $"batch-m-{i}", Error: (BatchConflictException?)null);
            }
            catch (BatchConflictException ex)
            {
                return (Id: $"batch-m-{i}", Error: ex);
            }
        }));

        var winner = Assert.Single(attempts, a => a.Error is null);
        var loser = Assert.Single(attempts, a => a.Error is not null);
        Assert.Contains($"{outputs.Name}/run/", loser.Error!.Message, StringComparison.Ordinal);
        using var claim = JsonDocument.Parse((await outputs.GetBlobClient("run/_batch.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(winner.Id, claim.RootElement.GetProperty("batchId").GetString());
        Assert.Equal(3, claim.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task CheckColumnsAsync_ParquetWithoutColumnsForFeatures_ThrowsNamingEachMissingOne()
    {
        var blob = await ParquetAsync(await ContainerAsync("cols"), "income", "debt_ratio");

        var ex = await Assert.ThrowsAsync<BatchInputException>(() => BatchService.CheckColumnsAsync(blob, BatchFiles.Parquet, ["income", "years_employed", "debt_ratio", "employment"], CancellationToken.None));

        Assert.Contains("'years_employed', 'employment'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("income, debt_ratio", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckColumnsAsync_ParquetWithEveryFeature_Passes()
    {
        var blob = await ParquetAsync(await ContainerAsync("cols"), "id", "income", "debt_ratio");

        await BatchService.CheckColumnsAsync(blob, BatchFiles.Parquet, ["income", "debt_ratio"], CancellationToken.None);
    }

    [Fact]
    public async Task CheckColumnsAsync_NotParquetOrCsvLackingAColumn_ThrowsSayingWhy()
    {
        var container = await ContainerAsync("cols");
        var notParquet = container.GetBlobClient("in/fake.parquet");
        await notParquet.UploadAsync(new BinaryData(Encoding.UTF8.GetBytes("income,debt_ratio\n1,2\n")));
        var csv = container.GetBlobClient("in/file.csv");
        await csv.UploadAsync(new BinaryData(Encoding.UTF8.GetBytes("income,debt_ratio\n1,2\n")));

        var parquet = await Assert.ThrowsAsync<BatchInputException>(() => BatchService.CheckColumnsAsync(notParquet, BatchFiles.Parquet, ["income"], CancellationToken.None));
        var lacking = await Assert.ThrowsAsync<BatchInputException>(() => BatchService.CheckColumnsAsync(csv, BatchFiles.Csv, ["income", "employment"], CancellationToken.None));

        Assert.Contains("not a Parquet file", parquet.Message, StringComparison.Ordinal);
        Assert.Contains("'employment'", lacking.Message, StringComparison.Ordinal);
    }
}
