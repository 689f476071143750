using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Serverless.Core.Batch;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>
/// Batch scoring's rows per second through the local host (a batch from POST to its summary) against ONNX Runtime in
/// process on the same rows (the same chunk size, one run per chunk, tensors built from the parsed rows, parsing not
/// timed); for a generated file for the benchmark model and for the UCI Adult test file with a FastTree model trained
/// on Adult's training file. Then event scoring: one-row score requests through the queue, messages per second from
/// the first put to the last reply.
/// </summary>
internal static class BatchBenchmark
{
    // The default (BatchOptions) first, then the earlier default for comparison.
    private const int ChunkRows = 50000;
    private const int SmallChunkRows = 10000;
    private const string Input = "batch-inputs";
    private const string Output = "batch-outputs";

    public static async Task<int> RunAsync(BenchmarkHost host, byte[] linear, string adultFolder, int rows, int messages, string? outFile)
    {
        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"# Batch and event scoring benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, shared with whatever else runs on it. Batch__MaxParallelChunks 4; storage is Azurite on the same machine; the Durable Task hub polls its queues at most every second (host.json)."));
        Line();

        var blobs = new BlobServiceClient(host.Storage);
        await blobs.GetBlobContainerClient(Input).CreateIfNotExistsAsync();
        var files = new List<(string Label, string Model, byte[] Onnx, string Csv)>
        {
            ($"generated, {rows:N0} rows, linear model (4 FP32 inputs)", "bench-batch-linear", linear, Generated(rows)),
        };
        string adultTest = Path.Combine(adultFolder, "adult-test.csv");
        if (File.Exists(adultTest))
        {
            files.Add(("UCI Adult test file, FastTree trained on adult-train (14 inputs, 7 of them strings)", "bench-batch-adult", await TrainAdultAsync(adultFolder), WithHeader(adultTest)));
        }
        else
        {
            Line($"(UCI Adult not found in {adultFolder}: only the generated file is measured.)");
        }

        Line("## Batch scoring");
        Line();
        Line("| File | Rows | Batch__ChunkRows | ONNX Runtime in process, rows/s | Batch chunk path in process, rows/s | µs per row: plan / read / score / write | Batch through the host, rows/s | Batch / ONNX Runtime in process | Batch duration s (summary) |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        HostProcess? last = null;
        foreach (int chunkRows in new[] { ChunkRows, SmallChunkRows })
        {
            if (last is not null)
            {
                await last.DisposeAsync();
            }

            last = await host.StartAsync(new Dictionary<string, string>
            {
                ["Batch__ChunkRows"] = chunkRows.ToString(CultureInfo.InvariantCulture),
                ["Batch__InputContainers"] = Input,
                ["Batch__OutputContainers"] = Output,
            });
            foreach (var (label, model, onnx, csv) in chunkRows == ChunkRows ? files : files.Take(1))
            {
                await RegistryRequests.RegisterAndPromoteAsync(last.Client, model, onnx, null, CancellationToken.None);
                string path = $"{model}/{Guid.NewGuid():N}.csv";
                await blobs.GetBlobContainerClient(Input).GetBlobClient(path).UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(csv)), overwrite: true);
                double inProcess = InProcess(onnx, csv, chunkRows, out long count);
                var chunkPath = await ChunkPathAsync(onnx, csv, chunkRows);
                var (wall, summary) = await BatchAsync(last, model, $"{Input}/{path}");
                double batch = count / wall;
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {count:N0} | {chunkRows:N0} | {inProcess:N0} | {chunkPath.RowsPerSecond:N0} | {chunkPath.PlanMicros:F2} / {chunkPath.ReadMicros:F2} / {chunkPath.ScoreMicros:F2} / {chunkPath.WriteMicros:F2} | {batch:N0} | {batch / inProcess:P1} | {summary.GetProperty("durationSeconds").GetDouble():F1} |"));
            }
        }

        await using (var runtime = last!)
        {
            Line();
            Line("- Batch rows/s: rows over the wall time from `POST /models/{name}/batches` to the status answering `completed` (planning, every chunk's read, check, ONNX Runtime run and output upload, the errors file and the summary; status polled every 250 ms).");
            Line("- ONNX Runtime in process: the same rows already parsed into tensors, one `InferenceSession.Run` per chunk of the same size, one thread: the model's cost alone.");
            Line("- Plan: the planning activity's one pass over the whole CSV to find each chunk's byte range (not part of the chunk path's rows/s).");
            Line("- Batch chunk path in process: what each chunk activity computes, without storage or the orchestration: the chunk's CSV bytes read, each feature's cells parsed into the input's typed buffer (read), the tensors built over those buffers with one ONNX Runtime run and the outputs read from the output tensors (score), the output CSV written (write); one thread.");
            Line();

            Line("## Event scoring");
            Line();
            Line(await EventsAsync(runtime, host.Storage, messages));
            Line();
        }

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }

        return 0;
    }

    private static string Generated(int rows)
    {
        var random = new Random(42);
        var text = new StringBuilder(rows * 24);
        text.Append("income,debt_ratio,years_employed,late_payments\n");
        for (int i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{random.Next(15, 200)},{random.NextDouble():F3},{random.Next(0, 30)},{random.Next(0, 6)}\n");
        }

        return text.ToString();
    }

    private static string WithHeader(string adultTest) =>
        string.Join(',', AdultSpec.Columns) + "\n" + string.Concat(File.ReadLines(adultTest).Where(l => l.Contains(',', StringComparison.Ordinal) && !l.StartsWith('|')).Select(l => l + "\n"));

    private static async Task<byte[]> TrainAdultAsync(string adultFolder)
    {
        var spec = JsonSerializer.Deserialize<ModelSpec>(AdultSpec.Create("bench/adult-train.csv").ToJsonString())!;
        await using var train = File.OpenRead(Path.Combine(adultFolder, "adult-train.csv"));
        var read = await TabularReader.ReadAsync(train, DataFormats.Csv, spec, CancellationToken.None);
        return new ModelTrainer().Train(read.Table, spec, CancellationToken.None).Onnx;
    }

    // ONNX Runtime alone on the same rows: parsed once (not timed), then one run per chunk.
    private static double InProcess(byte[] onnx, string csv, int chunkRows, out long count)
    {
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split(',');
        string[][] cells = [.. lines.Skip(1).Select(l => l.Split(',').Select(c => c.Trim()).ToArray())];
        count = cells.Length;
        using var session = new InferenceSession(onnx);
        var inputs = session.InputMetadata.Select(i => (i.Key, Column: Array.IndexOf(header, i.Key), i.Value.ElementDataType)).ToList();
        var outputs = session.OutputNames.ToList();
        var chunks = new List<List<OrtValue>>();
        for (int start = 0; start < cells.Length; start += chunkRows)
        {
            int n = Math.Min(chunkRows, cells.Length - start);
            chunks.Add([.. inputs.Select(input => input.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String
                ? OrtValue.CreateFromStringTensor(new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(cells.Skip(start).Take(n).Select(r => r[input.Column]).ToArray(), [n, 1]))
                : OrtValue.CreateTensorValueFromMemory(cells.Skip(start).Take(n).Select(r => float.Parse(r[input.Column], CultureInfo.InvariantCulture)).ToArray(), [n, 1]))]);
        }

        var names = inputs.ConvertAll(i => i.Key);
        using (var warm = session.Run(new RunOptions(), names, chunks[0], outputs))
        {
        }

        long begin = Stopwatch.GetTimestamp();
        foreach (var chunk in chunks)
        {
            using var results = session.Run(new RunOptions(), names, chunk, outputs);
        }

        double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        chunks.ForEach(c => c.ForEach(v => v.Dispose()));
        return count / seconds;
    }

    // The chunk activity's work on the same bytes, in process: no storage, no orchestration; each phase timed.
    private static async Task<ChunkPhases> ChunkPathAsync(byte[] onnx, string csv, int chunkRows)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(csv);
        BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows, CancellationToken.None);
        long planning = Stopwatch.GetTimestamp();
        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows, CancellationToken.None);
        double planned = Stopwatch.GetElapsedTime(planning).TotalSeconds;
        using var model = new LoadedModel(new InferenceSession(onnx));
        var batchModel = BatchModel.For(model.Session);
        var executor = new ModelExecutor(Options.Create(new ServingOptions()));
        double read = 0, score = 0, write = 0;
        async Task ScoreAsync(BatchChunk chunk)
        {
            long begin = Stopwatch.GetTimestamp();
            var table = BatchFiles.ReadCsvChunk(new MemoryStream(bytes, (int)chunk.Offset, (int)chunk.Length), plan.Columns, chunk, batchModel, CancellationToken.None);
            long scoring = Stopwatch.GetTimestamp();
            var scored = ChunkScorer.Score(model, executor, table, CancellationToken.None);
            long writing = Stopwatch.GetTimestamp();
            using var output = new MemoryStream();
            await BatchFiles.WriteAsync(output, BatchFiles.Csv, scored, 1, CancellationToken.None);
            read += Stopwatch.GetElapsedTime(begin, scoring).TotalSeconds;
            score += Stopwatch.GetElapsedTime(scoring, writing).TotalSeconds;
            write += Stopwatch.GetElapsedTime(writing).TotalSeconds;
        }

        await ScoreAsync(plan.Chunks[0]);
        (read, score, write) = (0, 0, 0);
        long start = Stopwatch.GetTimestamp();
        foreach (var chunk in plan.Chunks)
        {
            await ScoreAsync(chunk);
        }

        double perRow = 1e6 / plan.Rows;
        return new ChunkPhases(plan.Rows / Stopwatch.GetElapsedTime(start).TotalSeconds, planned * perRow, read * perRow, score * perRow, write * perRow);
    }

    private sealed record ChunkPhases(double RowsPerSecond, double PlanMicros, double ReadMicros, double ScoreMicros, double WriteMicros);

    private static async Task<(double Seconds, JsonElement Summary)> BatchAsync(HostProcess runtime, string model, string input)
    {
        long begin = Stopwatch.GetTimestamp();
        using var response = await runtime.Client.PostAsJsonAsync($"models/{model}/batches", new { input, output = $"{Output}/{model}-{Guid.NewGuid():N}" });
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.EnsureSuccessStatusCode();
        string id = started.GetProperty("batchId").GetString()!;
        while (true)
        {
            var status = await runtime.Client.GetFromJsonAsync<JsonElement>($"models/{model}/batches/{id}");
            string state = status.GetProperty("state").GetString()!;
            if (state != "running")
            {
                double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
                return state == "completed"
                    ? (seconds, status.GetProperty("summary").Clone())
                    : throw new InvalidOperationException($"Batch {id} ended {state}: {status}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task<string> EventsAsync(HostProcess runtime, string storage, int messages)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var requests = new QueueClient(storage, "score-requests", options);
        var results = new QueueClient(storage, "score-results", options);
        await requests.CreateIfNotExistsAsync();
        await results.CreateIfNotExistsAsync();
        const string Row = """[{"income": 85, "debt_ratio": 0.2, "years_employed": 6, "late_payments": 0}]""";
        // Warm the path: one request and its reply.
        await requests.SendMessageAsync($$"""{"model": "bench-batch-linear", "rows": {{Row}}, "correlationId": "warm"}""");
        await ReceiveAsync(results, 1);

        long begin = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
            await requests.SendMessageAsync($$"""{"model": "bench-batch-linear", "rows": {{Row}}, "correlationId": "m{{i}}"}""", token));
        double sent = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        await ReceiveAsync(results, messages);
        double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        await Task.Delay(0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{messages:N0} one-row requests put on `score-requests` (16 senders, {sent:F1} s to put them all), every reply read from `score-results`: {messages / seconds:N0} messages/s end to end ({seconds:F1} s), with the queue trigger's default batch size (16) and one worker.");
    }

    private static async Task ReceiveAsync(QueueClient queue, int count)
    {
        int received = 0;
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (received < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {received} of {count} replies arrived.");
            }

            var batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(50);
                continue;
            }

            await Task.WhenAll(batch.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt)));
            received += batch.Length;
        }
    }
}
