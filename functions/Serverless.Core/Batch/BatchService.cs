using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Storage;

namespace Serverless.Core.Batch;

/// <summary>
/// Starts batches (from HTTP and from files landing) after checking what can be checked before any work: the model and
/// version (an alias is resolved here, once: the batch is pinned to that version), the input blob and its format, the
/// output prefix (which must be empty); and reads a batch's status.
/// </summary>
public sealed class BatchService(ModelRegistry registry, BlobServiceClient blobs, IOptions<BatchOptions> options, TimeProvider clock)
{
    private readonly BatchOptions _options = options.Value;

    /// <summary>Starts a batch of <paramref name="model"/> over <paramref name="request"/>'s input; returns its input (id and pinned version).</summary>
    /// <exception cref="BatchInputException">The request is malformed: input or output not a blob reference in an allowed container, an unsupported format.</exception>
    /// <exception cref="BatchNotFoundException">The input blob does not exist.</exception>
    /// <exception cref="BatchConflictException">Blobs exist under the output prefix, or another start claimed it at the same moment.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    public async Task<BatchInput> StartAsync(DurableTaskClient client, string model, BatchRequest request, string startedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        string? versionText = request.Version?.ToString(CultureInfo.InvariantCulture);
        int? number = ModelReference.Validate(model, versionText, request.Alias);
        var (inputContainer, inputPath) = Parse(request.Input, "input", "container/path/file.csv", _options.InputContainerList);
        string format = BatchFiles.FormatOf(inputPath)
            ?? throw new BatchInputException($"The input '{ModelRegistry.Shorten(request.Input!)}' is neither .csv nor .parquet: batch scoring reads CSV (with a header line) and Parquet files.");
        var (outputContainer, outputPrefix) = Parse(request.Output?.TrimEnd('/'), "output", "container/prefix", _options.OutputContainerList);

        // Resolved once: the batch keeps this version to its end, wherever the alias moves meanwhile.
        var info = number is int version
            ? await registry.GetVersionAsync(model, version, cancellationToken)
            : await registry.GetByAliasAsync(model, request.Alias ?? InferenceService.ServingAlias, cancellationToken);

        var input = blobs.GetBlobContainerClient(inputContainer).GetBlobClient(inputPath);
        if (!await Exists(input, cancellationToken))
        {
            throw new BatchNotFoundException($"The input blob '{inputContainer}/{inputPath}' does not exist.");
        }

        // The header line or the Parquet schema is checked now, so that a file without a column for a feature is the caller's 400, not a failed batch.
        await CheckColumnsAsync(input, format, info.Signature.Inputs.Where(i => i.Kind == "tensor").Select(i => i.Name), cancellationToken);

        var outputs = blobs.GetBlobContainerClient(outputContainer);
        if (await HasBlobsUnderAsync(outputs, outputPrefix + "/", cancellationToken))
        {
            throw new BatchConflictException($"The output prefix '{outputContainer}/{outputPrefix}/' has blobs under it already; choose a new prefix (a batch never writes over another's output).");
        }

        await outputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        string id = string.Create(CultureInfo.InvariantCulture, $"batch-{model}-{clock.GetUtcNow():yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}");
        var batch = new BatchInput(id, model, info.Version, inputContainer, inputPath, outputContainer, outputPrefix, format, _options.ChunkRows, _options.MaxParallelChunks, startedBy);
        var claim = await ClaimAsync(outputs, batch, clock.GetUtcNow(), cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(BatchWorkflow.OrchestratorName, batch, new StartOrchestrationOptions(id), cancellationToken);
        }
        catch
        {
            // Nothing started: the prefix is free again.
            await claim.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw;
        }

        return batch;
    }

    /// <summary>The claim a batch puts under its output prefix before it starts, <c>{prefix}/_batch.json</c>: what the batch is and who started it.</summary>
    public static string ClaimName(BatchInput batch) => $"{batch?.OutputPrefix}/_batch.json";

    /// <summary>
    /// Claims the batch's output prefix by creating <see cref="ClaimName"/> only if it does not exist (If-None-Match: *),
    /// so that of two starts racing for one empty prefix exactly one wins.
    /// </summary>
    /// <exception cref="BatchConflictException">Another batch claimed the prefix first.</exception>
    internal static async Task<BlobClient> ClaimAsync(BlobContainerClient outputs, BatchInput batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claim = outputs.GetBlobClient(ClaimName(batch));
        var content = new { batchId = batch.BatchId, model = batch.Model, version = batch.Version, input = $"{batch.InputContainer}/{batch.InputPath}", startedBy = batch.StartedBy, startedAt = now };
        try
        {
            await claim.UploadAsync(
                new BinaryData(JsonSerializer.SerializeToUtf8Bytes(content, BatchJson.Indented)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            return claim;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new BatchConflictException($"Another batch claimed the output prefix '{outputs.Name}/{batch.OutputPrefix}/' at the same moment; choose a new prefix (a batch never writes over another's output).", ex);
        }
    }

    /// <summary>Checks that the input has a column for every feature, reading only the CSV's header line or the Parquet file's schema.</summary>
    /// <exception cref="BatchInputException">A feature has no column (the message names every one), or the file is not CSV or Parquet that can be read.</exception>
    internal static async Task CheckColumnsAsync(BlobClient input, string format, IEnumerable<string> features, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> columns;
        if (format == BatchFiles.Csv)
        {
            BinaryData start;
            try
            {
                start = (await input.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(0, 64 * 1024) }, cancellationToken)).Value.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == 416)
            {
                throw new BatchInputException("The CSV is empty: it needs a header line naming the columns and at least one row.", ex);
            }

            using var head = start.ToStream();
            columns = BatchFiles.ReadCsvHeader(head);
        }
        else
        {
            // The footer only: the reader seeks to the end of the file for the schema.
            await using var stream = await input.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 64 * 1024 }, cancellationToken);
            columns = await BatchFiles.ReadParquetColumnsAsync(stream, cancellationToken);
        }

        BatchTable.CheckColumns(columns, features);
    }

    /// <summary>
    /// Starts a batch for a file that landed in an input container: <c>{container}/{model}/{path}.csv</c> is scored by the
    /// model's <c>production</c> version into <c>{first output container}/{model}/{path without extension}</c>. The
    /// prefix follows from the file, so an event delivered twice finds the first batch's output and starts no second.
    /// </summary>
    /// <exception cref="BatchInputException">The blob is not in an input container, or its path names no model.</exception>
    public Task<BatchInput> StartForFileAsync(DurableTaskClient client, BlobCreatedEvent created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(created);
        if (!_options.InputContainerList.Contains(created.Container, StringComparer.Ordinal))
        {
            throw new BatchInputException($"The blob '{created.Container}/{created.Path}' is not in a batch input container ({string.Join(", ", _options.InputContainerList)}).");
        }

        string[] parts = created.Path.Split('/', 2);
        if (parts.Length != 2)
        {
            throw new BatchInputException($"The blob '{created.Container}/{created.Path}' names no model: put files at {created.Container}/{{model}}/{{file}}.csv (or .parquet).");
        }

        string rest = parts[1];
        int dot = rest.LastIndexOf('.');
        string prefix = $"{_options.OutputContainerList[0]}/{parts[0]}/{(dot > 0 ? rest[..dot] : rest)}";
        return StartAsync(client, parts[0], new BatchRequest($"{created.Container}/{created.Path}", prefix), "platform:batch event", cancellationToken);
    }

    /// <summary>The status of batch <paramref name="id"/> of <paramref name="model"/>.</summary>
    /// <exception cref="BatchNotFoundException">No such batch of that model.</exception>
    public static async Task<BatchStatus> GetStatusAsync(DurableTaskClient client, string model, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ModelRegistry.ValidateName(model);
        var instance = id.StartsWith("batch-", StringComparison.Ordinal) && id.Length <= 128
            ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken)
            : null;
        var batch = instance?.ReadInputAs<BatchInput>();
        if (instance is null || batch is null || batch.Model != model)
        {
            throw new BatchNotFoundException($"Model '{model}' has no batch '{ModelRegistry.Shorten(id)}'.");
        }

        var progress = instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<BatchProgress>();
        var summary = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<BatchSummary>() : null;
        string state = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => summary?.State ?? "completed",
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => "failed",
            _ => "running",
        };
        return new BatchStatus(
            batch.BatchId,
            batch.Model,
            batch.Version,
            $"{batch.InputContainer}/{batch.InputPath}",
            $"{batch.OutputContainer}/{batch.OutputPrefix}",
            state,
            state == "running" ? progress?.State ?? "planning" : null,
            summary?.Chunks ?? progress?.ChunksDone ?? 0,
            summary?.Chunks ?? progress?.ChunksTotal ?? 0,
            summary,
            summary?.Failure ?? instance.FailureDetails?.ErrorMessage);
    }

    private static (string Container, string Path) Parse(string? reference, string field, string shape, IReadOnlyList<string> allowed)
    {
        if (!BlobReference.TryParse(reference, out string container, out string path))
        {
            throw new BatchInputException($"\"{field}\" must be \"{shape}\" (no empty, '.' or '..' segments), not '{ModelRegistry.Shorten(reference ?? string.Empty)}'.");
        }

        if (!allowed.Contains(container, StringComparer.Ordinal))
        {
            throw new BatchInputException($"\"{field}\" names container '{container}', which batches may not use; allowed: {string.Join(", ", allowed)}.");
        }

        return (container, path);
    }

    private static async Task<bool> Exists(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.ExistsAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private static async Task<bool> HasBlobsUnderAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
            {
                return true;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container: nothing under the prefix.
        }

        return false;
    }
}
