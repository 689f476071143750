using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Training;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Training.Datasets;

public sealed class DatasetStoreTests
{
    private const string SmallCsv = "x,color,group,y\n1,red,a,yes\n2,blue,b,no\n3,red,a,no\n4,,b,yes\n";

    /// <summary>A store over tables and containers of its own, so no test sees another's data.</summary>
    private sealed record Fixture(DatasetStore Store, BlobContainerClient Datasets, BlobContainerClient Data, TrainingOptions Options)
    {
        public async Task<string> PutBlobAsync(byte[] content, string extension = "csv")
        {
            string path = $"tests/{Guid.NewGuid():N}.{extension}";
            await Data.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content));
            return $"{Data.Name}/{path}";
        }

        public async Task<List<string>> StoredBlobsAsync(string prefix)
        {
            var names = new List<string>();
            await foreach (var blob in Datasets.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
            {
                names.Add(blob.Name);
            }

            return names;
        }
    }

    private static async Task<Fixture> CreateAsync(long maxBytes = 1 << 20)
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string id = Guid.NewGuid().ToString("N")[..12];
        var options = new TrainingOptions
        {
            DatasetTable = "datasets" + id,
            DatasetContainer = "datasets-" + id,
            DataContainers = "data-" + id + ", other-" + id,
            MaxDatasetBytes = maxBytes,
        };
        var blobs = new BlobServiceClient(connection);
        var data = blobs.GetBlobContainerClient("data-" + id);
        await data.CreateIfNotExistsAsync();
        var store = new DatasetStore(blobs, new TableServiceClient(connection), TimeProvider.System, Options.Create(options));
        return new Fixture(store, blobs.GetBlobContainerClient(options.DatasetContainer), data, options);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static ModelSpec SmallFrom(string source) => TestSpecs.Small(source: source);

    [Fact]
    public async Task UploadAsync_SameBytesTwice_SameShaAndOneBlob()
    {
        var fixture = await CreateAsync();

        var first = await fixture.Store.UploadAsync("small", Stream(SmallCsv), "alice", CancellationToken.None);
        var second = await fixture.Store.UploadAsync("copy", Stream(SmallCsv), "bob", CancellationToken.None);

        Assert.Equal(Sha256(SmallCsv), first.Sha256);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(Encoding.UTF8.GetByteCount(SmallCsv), first.SizeBytes);
        Assert.Equal([$"sha256/{first.Sha256}.csv"], await fixture.StoredBlobsAsync("sha256/"));
        Assert.Equal(["copy", "small"], (await fixture.Store.ListUploadsAsync(CancellationToken.None)).Select(u => u.Name));
    }

    [Fact]
    public async Task UploadAsync_NewBytes_BecomeTheLatest()
    {
        var fixture = await CreateAsync();
        await fixture.Store.UploadAsync("small", Stream(SmallCsv), "alice", CancellationToken.None);

        var newer = await fixture.Store.UploadAsync("small", Stream(SmallCsv + "5,red,b,no\n"), "bob", CancellationToken.None);

        var latest = await fixture.Store.GetUploadAsync("small", CancellationToken.None);
        Assert.Equal((newer.Sha256, "bob"), (latest.Sha256, latest.UploadedBy));
        Assert.Equal(2, (await fixture.StoredBlobsAsync("sha256/")).Count);
    }

    [Fact]
    public async Task UploadAsync_TooLarge_ThrowsAndStoresNothing()
    {
        var fixture = await CreateAsync(maxBytes: 20);

        var ex = await Assert.ThrowsAsync<DatasetTooLargeException>(() => fixture.Store.UploadAsync("small", Stream(SmallCsv), "alice", CancellationToken.None));

        Assert.Equal(20, ex.MaxDatasetBytes);
        Assert.Contains("Training__MaxDatasetBytes", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Store.ListUploadsAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x0a, 0x00, 0xc3 }, "not UTF-8 text")]
    [InlineData(new byte[] { 0x61, 0x2c, 0x62, 0x0a }, "no rows")]
    public async Task UploadAsync_NotACsv_ThrowsAndStoresNothing(byte[] content, string expected)
    {
        var fixture = await CreateAsync();

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() => fixture.Store.UploadAsync("bad", new MemoryStream(content), "alice", CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DatasetNotFoundException>(() => fixture.Store.GetUploadAsync("bad", CancellationToken.None));
    }

    [Fact]
    public async Task UploadAsync_InvalidName_Throws()
    {
        var fixture = await CreateAsync();

        var ex = await Assert.ThrowsAsync<InvalidRegistryArgumentException>(() => fixture.Store.UploadAsync("a/b", Stream(SmallCsv), "alice", CancellationToken.None));

        Assert.Contains("not a valid dataset name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotAsync_SameBytesAgain_ReturnsTheFirstSnapshot()
    {
        var fixture = await CreateAsync();
        string source = await fixture.PutBlobAsync(Encoding.UTF8.GetBytes(SmallCsv));
        var spec = SmallFrom(source);

        var first = await fixture.Store.SnapshotAsync(spec, null, CancellationToken.None);
        var again = await fixture.Store.SnapshotAsync(spec, null, CancellationToken.None);

        Assert.Equal(Sha256(SmallCsv), first.Id);
        Assert.Equal((source, "csv", 4, 0), (first.Source, first.Format, first.Rows, first.DroppedRows));
        Assert.Equal(["x", "color", "y", "group"], first.Schema.Select(c => c.Name));
        Assert.Equal(["x", "color"], first.Baseline.Select(b => b.Name));
        Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(again));
        Assert.Equal([$"sha256/{first.Id}.csv"], await fixture.StoredBlobsAsync("sha256/"));
    }

    [Fact]
    public async Task SnapshotAsync_ConcurrentSnapshots_AllReturnTheOneRecorded()
    {
        var fixture = await CreateAsync();
        string source = await fixture.PutBlobAsync(Encoding.UTF8.GetBytes(SmallCsv));

        var snapshots = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.Store.SnapshotAsync(SmallFrom(source), null, CancellationToken.None)));

        Assert.Single(snapshots.Select(s => JsonSerializer.Serialize(s)).Distinct());
    }

    [Fact]
    public async Task SnapshotAsync_SameBytesFromAnUploadAndABlob_SameId()
    {
        var fixture = await CreateAsync();
        await fixture.Store.UploadAsync("small", Stream(SmallCsv), "alice", CancellationToken.None);
        string blob = await fixture.PutBlobAsync(Encoding.UTF8.GetBytes(SmallCsv));
        var spec = TestSpecs.Small() with { Data = TestSpecs.Small().Data! with { Source = null, Dataset = "small" } };

        var fromUpload = await fixture.Store.SnapshotAsync(spec, null, CancellationToken.None);
        var fromBlob = await fixture.Store.SnapshotAsync(spec, blob, CancellationToken.None);

        Assert.Equal(fromUpload.Id, fromBlob.Id);
        Assert.Equal(("dataset:small", blob), (fromUpload.Source, fromBlob.Source));
        Assert.Single(await fixture.StoredBlobsAsync("sha256/"));
    }

    [Fact]
    public async Task SnapshotAsync_MissingBlob_NamesIt()
    {
        var fixture = await CreateAsync();
        string source = $"{fixture.Data.Name}/nowhere/data.csv";

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() => fixture.Store.SnapshotAsync(SmallFrom(source), null, CancellationToken.None));

        Assert.StartsWith($"There is no blob '{source}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotAsync_SourceOutsideTheDataContainers_Throws()
    {
        var fixture = await CreateAsync();

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() => fixture.Store.SnapshotAsync(SmallFrom($"{fixture.Data.Name}/x.csv"), $"{fixture.Options.DatasetContainer}/sha256/x.csv", CancellationToken.None));

        Assert.Contains("(Training__DataContainers)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotAsync_DatasetNeverUploaded_SaysHowToUploadIt()
    {
        var fixture = await CreateAsync();

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() => fixture.Store.SnapshotAsync(SmallFrom($"{fixture.Data.Name}/x.csv"), "dataset:nothing", CancellationToken.None));

        Assert.StartsWith("No dataset named 'nothing' has been uploaded: upload its CSV with POST /datasets/nothing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x,colour,group,y\n1,red,a,yes\n2,blue,b,no\n", "The data has no column 'color'")]
    [InlineData("x,color,group,y\n1,red,a,no\n2,blue,b,no\n", "Label 'y' has one class")]
    [InlineData("x,color,group,y\n1,red,a,yes\n2,blue,a,no\n", "Protected attribute 'group' has a single group ('a')")]
    public async Task SnapshotAsync_DataThatCannotBeTrainedOn_ThrowsAndRecordsNothing(string csv, string expected)
    {
        var fixture = await CreateAsync();
        string source = await fixture.PutBlobAsync(Encoding.UTF8.GetBytes(csv));

        var ex = await Assert.ThrowsAsync<TrainingDataException>(() => fixture.Store.SnapshotAsync(SmallFrom(source), null, CancellationToken.None));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredBlobsAsync("baselines/"));
    }

    [Fact]
    public async Task LoadAsync_Snapshot_GivesTheTableTheSnapshotDescribed()
    {
        var fixture = await CreateAsync();
        string source = await fixture.PutBlobAsync(Encoding.UTF8.GetBytes(SmallCsv));
        var spec = SmallFrom(source);
        var snapshot = await fixture.Store.SnapshotAsync(spec, null, CancellationToken.None);

        // The source may change afterwards: the snapshot keeps its own copy.
        await fixture.Data.DeleteBlobAsync(source[(fixture.Data.Name.Length + 1)..]);
        var table = await fixture.Store.LoadAsync(snapshot, spec, CancellationToken.None);

        Assert.Equal(snapshot.Rows, table.RowCount);
        Assert.Equal([1f, 0f, 0f, 1f], table.Label);
        Assert.Equal(["red", "blue", "red", ""], table.Categorical.Single().Values);
    }

    [Fact]
    public async Task SnapshotAsync_Parquet_SnapshotsAndLoadsIt()
    {
        var fixture = await CreateAsync();
        using var parquet = await ParquetSamples.WriteAsync(
            new ParquetSamples.Row { X = 1, Color = "red", Group = "a", Y = "yes" },
            new ParquetSamples.Row { X = 2, Color = "blue", Group = "b", Y = "no" },
            new ParquetSamples.Row { X = null, Color = "red", Group = "b", Y = "no" });
        string source = await fixture.PutBlobAsync(parquet.ToArray(), "parquet");
        var spec = SmallFrom(source);

        var snapshot = await fixture.Store.SnapshotAsync(spec, null, CancellationToken.None);
        var table = await fixture.Store.LoadAsync(snapshot, spec, CancellationToken.None);

        Assert.Equal(("parquet", 3), (snapshot.Format, snapshot.Rows));
        Assert.Equal(1d / 3, snapshot.Baseline.Single(b => b.Name == "x").MissingRate, 6);
        Assert.Equal([$"sha256/{snapshot.Id}.parquet"], await fixture.StoredBlobsAsync("sha256/"));
        Assert.Equal([1f, 2f, float.NaN], table.Numeric.Single().Values);
    }

    [SharedDataTheory("data/adult")]
    [InlineData("adult-train.csv", 32561)]
    public async Task SnapshotAsync_Adult_ReadsItThroughItsSpec(string file, int rows)
    {
        var fixture = await CreateAsync(maxBytes: 64L << 20);
        byte[] content = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Shared!, "data", "adult", file));
        string source = await fixture.PutBlobAsync(content);

        var snapshot = await fixture.Store.SnapshotAsync(TestSpecs.Adult(source), null, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), snapshot.Id);
        Assert.Equal(rows, snapshot.Rows);
        Assert.Equal(13, snapshot.Baseline.Count);
        Assert.Equal(["sex"], snapshot.Schema.Where(c => c.Role == "protected").Select(c => c.Name));
        var age = snapshot.Baseline.Single(b => b.Name == "age");
        Assert.Equal(age.BinEdges!.Count + 1, age.BinShares!.Count);
        Assert.InRange(age.Mean!.Value, 38, 39);
    }
}
