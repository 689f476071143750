using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Parquet.Serialization;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Testing;

namespace Serverless.Core.Tests.Monitoring.Sampling;

public sealed class SampleStoreTests
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 10, 5, 0, TimeSpan.Zero);

    private static async Task<(SampleStore Store, BlobContainerClient Container)> CreateAsync()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        string id = Guid.NewGuid().ToString("N")[..10];
        var options = new MonitoringOptions { SampleTable = "samples" + id, SampleContainer = "samples-" + id };
        var blobs = new BlobServiceClient(connection);
        return (new SampleStore(new TableServiceClient(connection), blobs, Options.Create(options)), blobs.GetBlobContainerClient(options.SampleContainer));
    }

    private static PredictionSample Sample(string model, string id, DateTimeOffset time, string inputs, string outputs)
    {
        using var i = JsonDocument.Parse(inputs);
        using var o = JsonDocument.Parse(outputs);
        return new PredictionSample(model, 2, id, time, i.RootElement.Clone(), o.RootElement.Clone());
    }

    [Fact]
    public async Task StoreMessageAsync_TwoWindows_EachWindowOnePartitionAndOneParquetFile()
    {
        var (store, container) = await CreateAsync();
        var samples = new[]
        {
            Sample("loans", "a", WindowStart.AddSeconds(10), """{"income": 10, "city": "x"}""", """{"label": true, "probabilities": {"false": 0.25, "true": 0.75}}"""),
            Sample("loans", "b", WindowStart.AddMinutes(4), """{"income": 20.5, "city": "y"}""", """{"label": false, "probabilities": {"false": 0.75, "true": 0.25}}"""),
            Sample("loans", "c", WindowStart.AddMinutes(5), """{"income": 30, "city": "z"}""", """{"label": true, "probabilities": {"false": 0.5, "true": 0.5}}"""),
        };
        string message = Assert.Single(SampleMessages.Pack(samples, 100).Messages).Json;

        await store.StoreMessageAsync(message, CancellationToken.None);
        await store.StoreMessageAsync(message, CancellationToken.None);

        var first = await store.ReadWindowAsync("loans", WindowStart);
        Assert.Equal(["a", "b"], first.Select(s => s.PredictionId).Order());
        var b = first.Single(s => s.PredictionId == "b");
        Assert.Equal((2, WindowStart.AddMinutes(4)), (b.Version, b.Time));
        Assert.Equal(20.5, b.Inputs.GetProperty("income").GetDouble());
        Assert.False(b.Outputs.GetProperty("label").GetBoolean());
        Assert.Equal("c", Assert.Single(await store.ReadWindowAsync("loans", WindowStart.AddMinutes(5))).PredictionId);
        Assert.Empty(await store.ReadWindowAsync("other", WindowStart));

        var files = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            files.Add(blob.Name);
        }

        string batch = SampleMessages.BatchId(message);
        Assert.Equal([SampleStore.ParquetPath("loans", WindowStart, batch), SampleStore.ParquetPath("loans", WindowStart.AddMinutes(5), batch)], files.Order());
        Assert.Equal($"loans/window=2026-11-27T10-05-00/{batch}.parquet", files.Order().First());

        using var parquet = new MemoryStream();
        await container.GetBlobClient(files.Order().First()).DownloadToAsync(parquet);
        parquet.Position = 0;
        var table = await ParquetSerializer.DeserializeUntypedAsync(parquet);
        var rows = table.Data.OrderBy(r => (string)r["prediction_id"]!).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(20.5, rows[1]["income"]);
        Assert.Equal("y", rows[1]["city"]);
        Assert.Equal("false", rows[1]["label"]);
        Assert.Equal(0.25, rows[1]["probability_true"]);
        Assert.Equal(2, rows[1]["version"]);
    }

    [Fact]
    public void WindowStart_TimeInAWindow_FloorsToItsStart()
    {
        var store = new SampleStore(new TableServiceClient("UseDevelopmentStorage=true"), new BlobServiceClient("UseDevelopmentStorage=true"), Options.Create(new MonitoringOptions()));

        Assert.Equal(WindowStart, store.WindowStart(WindowStart.AddMinutes(4).AddSeconds(59)));
        Assert.Equal(WindowStart, store.WindowStart(WindowStart.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal("loans|20261127T100500", SampleStore.PartitionKey("loans", WindowStart));
    }
}
