using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Batch;

/// <summary>
/// The batch orchestration's activities. Each chunk's output is written in one upload marked with the batch id, after
/// its errors part; a chunk whose marked output is there already returns what its marker recorded instead of scoring
/// again, so a retried or replayed chunk never scores twice. The summary is written last.
/// </summary>
public sealed class BatchActivities
{
    private const string BatchMarker = "batch";
    private const string RowsMarker = "rows";
    private const string FailedMarker = "failed";
    private const string ReasonsMarker = "reasons";

    private readonly BlobServiceClient _blobs;
    private readonly ModelRegistry _registry;
    private readonly ModelCache _cache;
    private readonly ModelExecutor _executor;

    internal BatchActivities(BlobServiceClient blobs, ModelRegistry registry, ModelCache cache, ModelExecutor executor)
    {
        _blobs = blobs;
        _registry = registry;
        _cache = cache;
        _executor = executor;
    }

    /// <summary>The output part of a chunk, <c>{prefix}/part-{index:D5}.{format}</c>.</summary>
    public static string PartName(BatchInput batch, int index)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return string.Create(CultureInfo.InvariantCulture, $"{batch.OutputPrefix}/part-{index:D5}.{batch.Format}");
    }

    /// <summary>The summary, <c>{prefix}/_summary.json</c>, written last.</summary>
    public static string SummaryName(BatchInput batch) => $"{batch?.OutputPrefix}/_summary.json";

    /// <summary>The errors file, <c>{prefix}/_errors.csv</c>.</summary>
    public static string ErrorsName(BatchInput batch) => $"{batch?.OutputPrefix}/_errors.csv";

    /// <summary>Reads the input's columns, checks it has one per feature of the pinned version and splits it into chunks; loads the version meanwhile.</summary>
    /// <exception cref="BatchInputException">The input is gone, unreadable, or lacks a feature's column; or the model takes what rows of single values cannot feed.</exception>
    public async Task<BatchPlan> PlanAsync(BatchInput batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var blob = _blobs.GetBlobContainerClient(batch.InputContainer).GetBlobClient(batch.InputPath);
        var info = await _registry.GetVersionAsync(batch.Model, batch.Version, cancellationToken);

        // The model loads while the file is planned: the first chunks do not wait for it, and a model that rows of
        // single values cannot feed fails the batch before any chunk is read.
        var checking = Task.Run(() => CheckModelAsync(info, cancellationToken), cancellationToken);
        BatchPlan plan;
        Response<BlobProperties> properties;
        try
        {
            properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            await using var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag } }, cancellationToken);
            plan = batch.Format == BatchFiles.Csv
                ? BatchFiles.PlanCsv(stream, properties.Value.ContentLength, batch.ChunkRows, cancellationToken)
                : await BatchFiles.PlanParquetAsync(stream, batch.ChunkRows, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new BatchInputException($"The input '{batch.InputContainer}/{batch.InputPath}' was deleted or changed while the batch read it.", ex);
        }
        finally
        {
            await checking;
        }

        BatchTable.CheckColumns(plan.Columns, info.Signature.Inputs.Where(i => i.Kind == "tensor").Select(i => i.Name));
        return plan with { ETag = properties.Value.ETag.ToString() };
    }

    /// <summary>Scores one chunk and writes its output part (and its errors part when rows failed); returns what it did.</summary>
    /// <exception cref="BatchInputException">The chunk cannot be read or the model cannot score rows of features.</exception>
    public async Task<ChunkResult> ScoreChunkAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var batch = work.Batch;
        var chunk = work.Chunk;
        var outputs = _blobs.GetBlobContainerClient(batch.OutputContainer);
        var part = outputs.GetBlobClient(PartName(batch, chunk.Index));
        if (await DoneAsync(part, batch, chunk, cancellationToken) is { } done)
        {
            return done;
        }

        // The chunk's bytes first: an input changed or gone fails the chunk before any model is loaded.
        var unchanged = work.ETag is null ? null : new BlobRequestConditions { IfMatch = new ETag(work.ETag) };
        var input = _blobs.GetBlobContainerClient(batch.InputContainer).GetBlobClient(batch.InputPath);
        await using var data = await ChangedOrGone(batch, () => OpenChunkAsync(input, batch, chunk, unchanged, cancellationToken));
        var info = await _registry.GetVersionAsync(batch.Model, batch.Version, cancellationToken);
        ScoredChunk scored;
        using (var lease = await _cache.AcquireAsync(info, cancellationToken))
        {
            var model = BatchModel.For(lease.Model.Session);
            model.EnsureScorable();
            var table = batch.Format == BatchFiles.Csv
                ? BatchFiles.ReadCsvChunk(data, work.Columns, chunk, model, cancellationToken)
                : await ChangedOrGone(batch, () => BatchFiles.ReadParquetChunkAsync(data, chunk, model, cancellationToken));
            scored = ChunkScorer.Score(lease.Model, _executor, table, cancellationToken);
        }

        var errorList = scored.Errors.OrderBy(e => e.RowNumber).ToList();
        if (errorList.Count > 0)
        {
            using var errors = new MemoryStream();
            BatchFiles.WriteErrors(errors, errorList.Select(e => (e.RowNumber, e.Reason)), header: false);
            errors.Position = 0;
            await outputs.GetBlobClient(ErrorsPartName(batch, chunk.Index)).UploadAsync(errors, overwrite: true, cancellationToken);
        }

        var reasons = errorList.GroupBy(e => e.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        using var content = new MemoryStream();
        await BatchFiles.WriteAsync(content, batch.Format, scored, batch.Version, cancellationToken);
        content.Position = 0;
        int rows = scored.Table.RowsRead;
        await part.UploadAsync(content, new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>
            {
                [BatchMarker] = batch.BatchId,
                [RowsMarker] = rows.ToString(CultureInfo.InvariantCulture),
                [FailedMarker] = errorList.Count.ToString(CultureInfo.InvariantCulture),
                // Metadata values are ASCII: the reasons travel as base64 JSON.
                [ReasonsMarker] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(reasons)),
            },
        }, cancellationToken);
        return new ChunkResult(chunk.Index, rows, errorList.Count, reasons, Reused: false);
    }

    /// <summary>Gathers the chunks' errors into the errors file, then writes the summary (last, so a summary means the batch has ended).</summary>
    public async Task<BatchSummary> FinishAsync(BatchFinishInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var batch = input.Batch;
        var outputs = _blobs.GetBlobContainerClient(batch.OutputContainer);
        long failed = input.Results.Sum(r => (long)r.Failed);
        string? errorsFile = null;
        if (failed > 0)
        {
            var errors = outputs.GetBlockBlobClient(ErrorsName(batch));
            await using (var stream = await errors.OpenWriteAsync(overwrite: true, cancellationToken: cancellationToken))
            {
                BatchFiles.WriteErrors(stream, [], header: true);
                foreach (var result in input.Results.Where(r => r.Failed > 0))
                {
                    await outputs.GetBlobClient(ErrorsPartName(batch, result.Index)).DownloadToAsync(stream, cancellationToken);
                }
            }

            errorsFile = $"{batch.OutputContainer}/{ErrorsName(batch)}";
            foreach (var result in input.Results.Where(r => r.Failed > 0))
            {
                await outputs.GetBlobClient(ErrorsPartName(batch, result.Index)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }

        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in input.Results.SelectMany(r => r.Reasons))
        {
            reasons[reason] = reasons.GetValueOrDefault(reason) + count;
        }

        long rows = input.Results.Sum(r => (long)r.Rows);
        var summary = new BatchSummary(
            batch.BatchId,
            batch.Model,
            batch.Version,
            $"{batch.InputContainer}/{batch.InputPath}",
            $"{batch.OutputContainer}/{batch.OutputPrefix}",
            input.Failure is null ? "completed" : "failed",
            Math.Max(input.Rows, rows),
            rows - failed,
            failed,
            reasons,
            input.Results.Count,
            errorsFile,
            input.StartedAt,
            input.FinishedAt,
            Math.Round((input.FinishedAt - input.StartedAt).TotalSeconds, 3),
            input.Failure);
        await outputs.GetBlobClient(SummaryName(batch)).UploadAsync(
            new BinaryData(JsonSerializer.SerializeToUtf8Bytes(summary, BatchJson.Indented)), overwrite: true, cancellationToken);
        return summary;
    }

    private async Task CheckModelAsync(ModelVersionInfo info, CancellationToken cancellationToken)
    {
        using var lease = await _cache.AcquireAsync(info, cancellationToken);
        BatchModel.For(lease.Model.Session).EnsureScorable();
    }

    private static string ErrorsPartName(BatchInput batch, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{batch.OutputPrefix}/_errors/part-{index:D5}.csv");

    private static async Task<ChunkResult?> DoneAsync(BlobClient part, BatchInput batch, BatchChunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = (await part.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.Metadata;
            if (!metadata.TryGetValue(BatchMarker, out string? id) || id != batch.BatchId)
            {
                return null;
            }

            var reasons = JsonSerializer.Deserialize<Dictionary<string, int>>(Convert.FromBase64String(metadata[ReasonsMarker]))!;
            return new ChunkResult(
                chunk.Index,
                int.Parse(metadata[RowsMarker], CultureInfo.InvariantCulture),
                int.Parse(metadata[FailedMarker], CultureInfo.InvariantCulture),
                reasons,
                Reused: true);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    // A CSV chunk reads only its own bytes; a Parquet reader seeks within the file.
    private static async Task<Stream> OpenChunkAsync(BlobClient input, BatchInput batch, BatchChunk chunk, BlobRequestConditions? unchanged, CancellationToken cancellationToken)
    {
        if (batch.Format == BatchFiles.Csv)
        {
            var download = await input.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(chunk.Offset, chunk.Length), Conditions = unchanged }, cancellationToken);
            return download.Value.Content.ToStream();
        }

        return await input.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { Conditions = unchanged }, cancellationToken);
    }

    private static async Task<T> ChangedOrGone<T>(BatchInput batch, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412 or 416)
        {
            throw new BatchInputException($"The input '{batch.InputContainer}/{batch.InputPath}' was deleted or changed while the batch read it.", ex);
        }
    }
}
