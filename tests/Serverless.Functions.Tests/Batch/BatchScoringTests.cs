using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Parquet.Schema;
using Parquet.Serialization;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Batch;

/// <summary>Batch scoring over files and event scoring through queues, end to end over the local runtime (one runtime for the class).</summary>
public sealed class BatchScoringTests(BatchScoringTests.BatchFixture fixture) : IClassFixture<BatchScoringTests.BatchFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>A runtime with its own batch containers and scoring queues, three rows a chunk, and the demo model registered once.</summary>
    public sealed class BatchFixture : LocalRuntimeFixture
    {
        private readonly string _id = Guid.NewGuid().ToString("N")[..10];

        public DemoModel Demo { get; } = DemoClassifier.Train();

        public string InputContainer => "bin-" + _id;

        public string OutputContainer => "bout-" + _id;

        public string EventQueue => "bev-" + _id;

        public string RequestQueue => "sreq-" + _id;

        public string ResultQueue => "sres-" + _id;

        private Task<string>? _model;

        /// <summary>Registers the demo model (as production) on first use; its name.</summary>
        public Task<string> ModelAsync() => _model ??= PrepareAsync();

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>
        {
            ["Batch__ChunkRows"] = "3",
            ["Batch__InputContainers"] = InputContainer,
            ["Batch__OutputContainers"] = OutputContainer,
            ["Batch__EventQueue"] = EventQueue,
            ["Scoring__RequestQueue"] = RequestQueue,
            ["Scoring__ResultQueue"] = ResultQueue,
        };

        public BlobContainerClient Inputs => new BlobServiceClient(ConnectionString).GetBlobContainerClient(InputContainer);

        public BlobContainerClient Outputs => new BlobServiceClient(ConnectionString).GetBlobContainerClient(OutputContainer);

        public QueueClient Queue(string name) => new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        private async Task<string> PrepareAsync()
        {
            await Inputs.CreateIfNotExistsAsync();
            return await Runtime.Client.RegisterNewAsync("batch", Demo.Onnx);
        }
    }

    private static string Row(int i, string? income = null, string? debt = null) =>
        $"{i},{income ?? (20 + (i * 7 % 90)).ToString(System.Globalization.CultureInfo.InvariantCulture)},{debt ?? "0.3"},{i % 12},{i % 4},{(i % 2 == 0 ? "salaried" : "contract")}";

    private static string Csv(int rows, Func<int, string>? row = null) =>
        "id,income,debt_ratio,years_employed,late_payments,employment\n" + string.Concat(Enumerable.Range(1, rows).Select(i => (row ?? (n => Row(n)))(i) + "\n"));

    private async Task<string> UploadAsync(string path, string csv)
    {
        await fixture.ModelAsync();
        await fixture.Inputs.GetBlobClient(path).UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(csv)), overwrite: true);
        return $"{fixture.InputContainer}/{path}";
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> StartAsync(string input, string output, string? alias = null) =>
        await fixture.Runtime.Client.SendJsonAsync(HttpMethod.Post, $"/models/{await fixture.ModelAsync()}/batches", JsonSerializer.Serialize(new { input, output, alias }));

    private async Task<JsonElement> EndedAsync(string batchId) =>
        (await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var (status, body) = await fixture.Runtime.Client.SendJsonAsync(HttpMethod.Get, $"/models/{await fixture.ModelAsync()}/batches/{batchId}");
            Assert.Equal(HttpStatusCode.OK, status);
            return body.GetProperty("state").GetString() == "running" ? null : body;
        }, Timeout, $"batch {batchId} to end")) ?? default;

    private async Task<List<string>> BlobsAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in fixture.Outputs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix + "/", CancellationToken.None))
        {
            names.Add(blob.Name[(prefix.Length + 1)..]);
        }

        return names;
    }

    private async Task<string> TextAsync(string name) => (await fixture.Outputs.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();

    [Fact]
    public async Task StartBatch_CsvWithBadRows_EveryGoodRowScoredByThePinnedVersionBadRowsInTheErrorsFileSummaryLast()
    {
        string model = await fixture.ModelAsync();
        string input = await UploadAsync("csv/loans.csv", Csv(7, i => i switch { 3 => Row(i, debt: "lots"), 5 => Row(i, income: string.Empty), _ => Row(i) }));
        string prefix = "csv-" + Guid.NewGuid().ToString("N")[..8];

        var (status, started) = await StartAsync(input, $"{fixture.OutputContainer}/{prefix}");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, started.GetProperty("version").GetInt32());
        // The alias moves to a second version at once: the batch keeps the version it was started with.
        await fixture.Runtime.Client.RegisterAsync(model, fixture.Demo.Onnx);
        var ended = await EndedAsync(started.GetProperty("batchId").GetString()!);
        await fixture.Runtime.Client.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", """{"version": 1}""");

        Assert.Equal("completed", ended.GetProperty("state").GetString());
        Assert.Equal(3, ended.GetProperty("chunksDone").GetInt32());
        Assert.Equal(3, ended.GetProperty("chunksTotal").GetInt32());
        var summary = ended.GetProperty("summary");
        Assert.Equal((7, 5, 2), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("scoredRows").GetInt32(), summary.GetProperty("failedRows").GetInt32()));
        Assert.Equal(1, summary.GetProperty("failureReasons").GetProperty("missing feature 'income'").GetInt32());
        Assert.Equal(1, summary.GetProperty("failureReasons").GetProperty("feature 'debt_ratio' is not a number").GetInt32());
        Assert.Equal(["_batch.json", "_errors.csv", "_summary.json", "part-00000.csv", "part-00001.csv", "part-00002.csv"], (await BlobsAsync(prefix)).Order());

        var lines = new List<string[]>();
        for (int part = 0; part < 3; part++)
        {
            string[] partLines = (await TextAsync($"{prefix}/part-0000{part}.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.StartsWith("id,income,debt_ratio,years_employed,late_payments,employment,row_number,prediction_id,model_version,label,probability_false,probability_true", partLines[0], StringComparison.Ordinal);
            lines.AddRange(partLines.Skip(1).Select(l => l.Split(',')));
        }

        Assert.Equal(["1", "2", "4", "6", "7"], lines.Select(l => l[6]));
        Assert.All(lines, l => Assert.Equal("1", l[8]));
        Assert.Equal(5, lines.Select(l => l[7]).Distinct().Count());
        string[] errors = (await TextAsync($"{prefix}/_errors.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("row_number,reason", errors[0]);
        Assert.StartsWith("3,feature 'debt_ratio' is not a number", errors[1], StringComparison.Ordinal);
        Assert.Equal("5,feature 'income' is missing", errors[2]);
        using var stored = JsonDocument.Parse(await TextAsync($"{prefix}/_summary.json"));
        Assert.Equal("completed", stored.RootElement.GetProperty("state").GetString());
        var (_, audit) = await fixture.Runtime.Client.SendJsonAsync(HttpMethod.Get, $"/audit?model={model}&action=batch.start");
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Contains(started.GetProperty("batchId").GetString()!, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBatch_Parquet_OutputIsParquetWithTheInputColumnsAndPredictions()
    {
        var schema = new ParquetSchema(
            new DataField<double>("income"), new DataField<double>("debt_ratio"), new DataField<double>("years_employed"),
            new DataField<double>("late_payments"), new DataField<string>("employment"));
        var rows = Enumerable.Range(0, 4).Select(i => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["income"] = 30.0 + (i * 20), ["debt_ratio"] = 0.2, ["years_employed"] = 3.0, ["late_payments"] = 1.0, ["employment"] = "salaried",
        }).ToList();
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync(rows, schema, file);
        file.Position = 0;
        await fixture.Inputs.GetBlobClient("parquet/loans.parquet").UploadAsync(file, overwrite: true);
        string prefix = "pq-" + Guid.NewGuid().ToString("N")[..8];

        var (status, started) = await StartAsync($"{fixture.InputContainer}/parquet/loans.parquet", $"{fixture.OutputContainer}/{prefix}");
        var ended = await EndedAsync(started.GetProperty("batchId").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("completed", ended.GetProperty("state").GetString());
        Assert.Equal(["_batch.json", "_summary.json", "part-00000.parquet", "part-00001.parquet"], (await BlobsAsync(prefix)).Order());
        var part = await ParquetSerializer.DeserializeUntypedAsync((await fixture.Outputs.GetBlobClient($"{prefix}/part-00001.parquet").DownloadContentAsync()).Value.Content.ToStream());
        Assert.Contains("probability_true", part.Schema.Fields.Select(f => f.Name));
        var row = Assert.Single(part.Data);
        Assert.Equal(90.0, row["income"]);
        Assert.Equal(4L, row["row_number"]);
        Assert.Equal(1, row["model_version"]);
    }

    [Fact]
    public async Task StartBatch_BadRequests_ClearErrorsAndAMalformedFileFailsTheBatchWithTheReason()
    {
        string input = await UploadAsync("bad/ok.csv", Csv(2));
        string used = "used-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Outputs.CreateIfNotExistsAsync();
        await fixture.Outputs.GetBlobClient($"{used}/other.txt").UploadAsync(new BinaryData("x"u8.ToArray()), overwrite: true);

        var existing = await StartAsync(input, $"{fixture.OutputContainer}/{used}");
        var missing = await StartAsync($"{fixture.InputContainer}/bad/missing.csv", $"{fixture.OutputContainer}/m-{Guid.NewGuid():N}");
        var extension = await StartAsync($"{fixture.InputContainer}/bad/ok.json", $"{fixture.OutputContainer}/e-{Guid.NewGuid():N}");
        var container = await StartAsync("datasets/x.csv", $"{fixture.OutputContainer}/c-{Guid.NewGuid():N}");
        string noFeature = await UploadAsync("bad/no-income.csv", "id,debt_ratio,years_employed,late_payments,employment\n1,0.2,3,0,salaried\n");
        var lacking = await StartAsync(noFeature, $"{fixture.OutputContainer}/f-{Guid.NewGuid():N}");
        using (var parquet = new MemoryStream())
        {
            var columns = new ParquetSchema(new DataField<double>("income"), new DataField<double>("debt_ratio"));
            await ParquetSerializer.SerializeUntypedAsync([new Dictionary<string, object?> { ["income"] = 1.0, ["debt_ratio"] = 0.2 }], columns, parquet);
            parquet.Position = 0;
            await fixture.Inputs.GetBlobClient("bad/two-columns.parquet").UploadAsync(parquet, overwrite: true);
        }

        var lackingParquet = await StartAsync($"{fixture.InputContainer}/bad/two-columns.parquet", $"{fixture.OutputContainer}/fp-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.Conflict, existing.Status);
        Assert.Contains(used, existing.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.BadRequest, extension.Status);
        Assert.Contains(".parquet", extension.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, container.Status);
        Assert.Equal(HttpStatusCode.BadRequest, lacking.Status);
        Assert.Contains("'income'", lacking.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, lackingParquet.Status);
        Assert.All(["'years_employed'", "'late_payments'", "'employment'"], f => Assert.Contains(f, lackingParquet.Body.GetProperty("error").GetString(), StringComparison.Ordinal));

        string malformed = await UploadAsync("bad/malformed.csv", "id,income,debt_ratio,years_employed,late_payments,employment\n1,2,\"open\n");
        string prefix = "mal-" + Guid.NewGuid().ToString("N")[..8];
        var (status, started) = await StartAsync(malformed, $"{fixture.OutputContainer}/{prefix}");
        var ended = await EndedAsync(started.GetProperty("batchId").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("failed", ended.GetProperty("state").GetString());
        Assert.Contains("cannot be parsed", ended.GetProperty("failure").GetString(), StringComparison.Ordinal);
        using var stored = JsonDocument.Parse(await TextAsync($"{prefix}/_summary.json"));
        Assert.Equal("failed", stored.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task BlobCreatedEvent_FileInTheInputContainer_StartsABatchIntoTheConventionalPrefix()
    {
        string model = await fixture.ModelAsync();
        string name = "landed-" + Guid.NewGuid().ToString("N")[..8];
        await UploadAsync($"{model}/{name}.csv", Csv(4));

        await fixture.Queue(fixture.EventQueue).CreateIfNotExistsAsync();
        await fixture.Queue(fixture.EventQueue).SendMessageAsync(EventGridEvents.BlobCreated(fixture.InputContainer, $"{model}/{name}.csv"));

        string summary = await Eventually.GetAsync(async () =>
            await fixture.Outputs.GetBlobClient($"{model}/{name}/_summary.json").ExistsAsync() is { Value: true }
                ? await TextAsync($"{model}/{name}/_summary.json")
                : null, Timeout, "the batch started by the event to write its summary");
        using var stored = JsonDocument.Parse(summary);
        Assert.Equal("completed", stored.RootElement.GetProperty("state").GetString());
        Assert.Equal(4, stored.RootElement.GetProperty("scoredRows").GetInt32());
        Assert.Equal($"{fixture.InputContainer}/{model}/{name}.csv", stored.RootElement.GetProperty("input").GetString());
    }

    [Fact]
    public async Task ScoreRequest_OnTheQueue_ResultOnTheReplyQueueWithTheCorrelationIdAndVersion()
    {
        string model = await fixture.ModelAsync();
        string reply = "sreply-" + Guid.NewGuid().ToString("N")[..10];
        string rows = """[{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0, "employment": "salaried"}, {"income": 30, "debt_ratio": 0.7, "years_employed": 1, "late_payments": 3, "employment": "contract"}]""";
        var requests = fixture.Queue(fixture.RequestQueue);
        await requests.CreateIfNotExistsAsync();

        await requests.SendMessageAsync($$"""{"model": "{{model}}", "version": 1, "rows": {{rows}}, "correlationId": "c-1", "replyQueue": "{{reply}}"}""");
        await requests.SendMessageAsync($$"""{"model": "{{model}}", "rows": {{rows}}, "correlationId": "c-2"}""");

        var first = await ReceiveAsync(reply);
        var second = await ReceiveAsync(fixture.ResultQueue);
        Assert.Equal("c-1", first.GetProperty("correlationId").GetString());
        Assert.Equal("1", first.GetProperty("model_version").GetString());
        Assert.Equal(2, first.GetProperty("predictions").GetArrayLength());
        Assert.True(first.GetProperty("predictions")[0].GetProperty("label").GetBoolean());
        Assert.Equal("c-2", second.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task ScoreRequest_MalformedOrUnknownModel_EndsInThePoisonQueue()
    {
        var requests = fixture.Queue(fixture.RequestQueue);
        await requests.CreateIfNotExistsAsync();
        string unknown = $$"""{"model": "no-such-model-{{Guid.NewGuid():N}}", "rows": [{"income": 1}], "correlationId": "lost?"}""";

        await requests.SendMessageAsync("this is not a request");
        await requests.SendMessageAsync(unknown);

        var poison = fixture.Queue(fixture.RequestQueue + "-poison");
        var seen = new List<string>();
        await Eventually.GetAsync(async () =>
        {
            if (await poison.ExistsAsync() is { Value: true })
            {
                foreach (var message in (await poison.ReceiveMessagesAsync(10)).Value)
                {
                    seen.Add(message.Body.ToString());
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }

            return seen.Count >= 2 ? seen : null;
        }, Timeout, "both messages in the poison queue");
        Assert.Contains("this is not a request", seen);
        Assert.Contains(unknown, seen);
    }

    private async Task<JsonElement> ReceiveAsync(string queueName)
    {
        var queue = fixture.Queue(queueName);
        return (await Eventually.GetAsync<JsonElement?>(async () =>
        {
            if (await queue.ExistsAsync() is not { Value: true } || (await queue.ReceiveMessageAsync()).Value is not { } message)
            {
                return null;
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            return JsonDocument.Parse(message.Body.ToString()).RootElement.Clone();
        }, Timeout, $"a result on {queueName}")) ?? default;
    }
}
