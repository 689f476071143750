using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Parquet.Serialization;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>Prediction sampling through the local runtime: predictions sampled, queued, stored in the table and as Parquet, and counted.</summary>
public sealed class SamplingTests(SamplingTests.SampleEverythingFixture fixture) : IClassFixture<SamplingTests.SampleEverythingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>A runtime sampling every prediction into its own queue, table and container.</summary>
    public class SamplingFixture : LocalRuntimeFixture
    {
        private readonly string _id = Guid.NewGuid().ToString("N")[..10];

        public DemoModel Demo { get; } = DemoClassifier.Train();

        public string Table => "samples" + _id;

        public string Container => "samples-" + _id;

        protected virtual IReadOnlyDictionary<string, string> Monitoring => new Dictionary<string, string>();

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>(Monitoring)
        {
            ["Monitoring__SampleRate"] = "1",
            ["Monitoring__SampleQueue"] = "samples-q-" + _id,
            ["Monitoring__SampleTable"] = Table,
            ["Monitoring__SampleContainer"] = Container,
        };
    }

    public sealed class SampleEverythingFixture : SamplingFixture
    {
        protected override IReadOnlyDictionary<string, string> Monitoring => new Dictionary<string, string> { ["Monitoring__FlushInterval"] = "00:00:00.200" };
    }

    internal static string Rows(int count, int seed) => JsonSerializer.Serialize(new
    {
        rows = Enumerable.Range(0, count).Select(i => new
        {
            income = 20 + ((seed * 7) + i) % 90,
            debt_ratio = (i % 10) / 10.0,
            years_employed = i % 12,
            late_payments = i % 4,
            employment = i % 2 == 0 ? "salaried" : "contract",
        }),
    });

    internal static async Task<List<string>> PredictAsync(HttpClient client, string model, int requests, int rows)
    {
        var ids = new List<string>();
        for (int r = 0; r < requests; r++)
        {
            var (status, body) = await client.PostJsonAsync($"/models/{model}/predict", Rows(rows, r));
            Assert.Equal(HttpStatusCode.OK, status);
            ids.AddRange(body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetString()!));
        }

        return ids;
    }

    internal static async Task<List<TableEntity>> StoredAsync(SamplingFixture fixture, string model)
    {
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(fixture.Table);
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(e => e.GetString("Model") == model))
            {
                rows.Add(entity);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // Nothing stored yet.
        }

        return rows;
    }

    internal static async Task<JsonElement> SettledStatisticsAsync(HttpClient client) =>
        await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var statistics = await client.GetFromJsonAsync<JsonElement>(new Uri("/monitoring/sampling", UriKind.Relative));
            return statistics.GetProperty("buffered").GetInt64() == 0 ? statistics : null;
        }, Timeout, "the sampling buffer to empty") ?? default;

    [Fact]
    public async Task Predict_EveryRowSampled_StoredOncePerRowInTheTableAndAsParquet()
    {
        string model = await fixture.Runtime.Client.RegisterNewAsync("sampled", fixture.Demo.Onnx);

        var ids = await PredictAsync(fixture.Runtime.Client, model, requests: 3, rows: 4);

        var stored = await Eventually.GetAsync(async () => await StoredAsync(fixture, model) is { Count: >= 12 } rows ? rows : null, Timeout, "12 stored samples");
        Assert.Equal(ids.Order(), stored.Select(e => e.RowKey).Order());
        var first = stored.Single(e => e.RowKey == ids[0]);
        Assert.Equal(1, first.GetInt32("Version"));
        Assert.StartsWith(model + "|", first.PartitionKey, StringComparison.Ordinal);
        using (var inputs = JsonDocument.Parse(first.GetString("Inputs")))
        using (var outputs = JsonDocument.Parse(first.GetString("Outputs")))
        {
            Assert.Equal("salaried", inputs.RootElement.GetProperty("employment").GetString());
            Assert.Equal(JsonValueKind.Object, outputs.RootElement.GetProperty("probabilities").ValueKind);
        }

        var statistics = await SettledStatisticsAsync(fixture.Runtime.Client);
        Assert.Equal(
            statistics.GetProperty("sampled").GetInt64(),
            statistics.GetProperty("sent").GetInt64() + statistics.GetProperty("dropped").GetInt64() + statistics.GetProperty("buffered").GetInt64());
        Assert.True(statistics.GetProperty("sampled").GetInt64() >= 12);

        // The table is written before the Parquet file, so the file may come a moment later.
        var parquetIds = await Eventually.GetAsync(async () => await ParquetIdsAsync(fixture, model) is { Count: >= 12 } found ? found : null, Timeout, "12 samples in Parquet");
        Assert.Equal(ids.Order(), parquetIds.Order());
    }

    private static async Task<List<string>> ParquetIdsAsync(SamplingFixture fixture, string model)
    {
        var container = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient(fixture.Container);
        var ids = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, model + "/", CancellationToken.None))
        {
            Assert.Matches($"^{model}/window=\\d{{4}}-\\d{{2}}-\\d{{2}}T\\d{{2}}-\\d{{2}}-\\d{{2}}/[0-9a-f]{{32}}\\.parquet$", blob.Name);
            using var parquet = new MemoryStream();
            await container.GetBlobClient(blob.Name).DownloadToAsync(parquet);
            parquet.Position = 0;
            var table = await ParquetSerializer.DeserializeUntypedAsync(parquet);
            foreach (var row in table.Data)
            {
                ids.Add((string)row["prediction_id"]!);
                Assert.IsType<double>(row["income"]);
                Assert.IsType<string>(row["employment"]);
                Assert.IsType<double>(row["probability_true"]);
            }
        }

        return ids;
    }

    [Fact]
    public async Task Infer_ColumnInputs_EachRowSampledUnderTheAnswersPredictionId()
    {
        string model = await fixture.Runtime.Client.RegisterNewAsync("sampled-infer", fixture.Demo.Onnx);

        var (status, body) = await fixture.Runtime.Client.PostJsonAsync($"/v2/models/{model}/infer", DemoSetup.ExampleInferBody);

        Assert.Equal(HttpStatusCode.OK, status);
        string id = body.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
        var stored = await Eventually.GetAsync(async () => await StoredAsync(fixture, model) is { Count: >= 2 } rows ? rows : null, Timeout, "2 stored samples");
        Assert.Equal([id + ".0", id + ".1"], stored.Select(e => e.RowKey).Order());
        using var inputs = JsonDocument.Parse(stored.Single(e => e.RowKey == id + ".1").GetString("Inputs"));
        Assert.Equal("contract", inputs.RootElement.GetProperty("employment").GetString());
        Assert.Equal(30, inputs.RootElement.GetProperty("income").GetDouble());
    }

    [Fact]
    public async Task GetSampling_Always_TotalsAsJson()
    {
        using var response = await fixture.Runtime.Client.GetAsync(new Uri("/monitoring/sampling", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (string name in new[] { "sampled", "sent", "dropped", "buffered" })
        {
            Assert.True(body.GetProperty(name).GetInt64() >= 0, name.ToString(CultureInfo.InvariantCulture));
        }
    }
}
