using System.Globalization;
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
    /// <exception cref="BatchConflictException">Blobs exist under the output prefix.</exception>
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

        if (format == BatchFiles.Csv)
        {
            // The header line is checked now, so that a file without a column for a feature is the caller's 400, not a failed batch.
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
            BatchTable.CheckColumns(BatchFiles.ReadCsvHeader(head), info.Signature.Inputs.Where(i => i.Kind == "tensor").Select(i => i.Name));
        }

        var outputs = blobs.GetBlobContainerClient(outputContainer);
        if (await HasBlobsUnderAsync(outputs, outputPrefix + "/", cancellationToken))
        {
            throw new BatchConflictException($"The output prefix '{outputContainer}/{outputPrefix}/' has blobs under it already; choose a new prefix (a batch never writes over another's output).");
        }

        await outputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        string id = string.Create(CultureInfo.InvariantCulture, $"batch-{model}-{clock.GetUtcNow():yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}");
        var batch = new BatchInput(id, model, info.Version, inputContainer, inputPath, outputContainer, outputPrefix, format, _options.ChunkRows, _options.MaxParallelChunks, startedBy);
        await client.ScheduleNewOrchestrationInstanceAsync(BatchWorkflow.OrchestratorName, batch, new StartOrchestrationOptions(id), cancellationToken);
        return batch;
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
