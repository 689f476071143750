using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Storage;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Datasets;

/// <summary>
/// Training data: datasets uploaded over HTTP, and snapshots of the data a retraining read. Bytes are stored
/// content-addressed (<c>sha256/{hex}.{csv|parquet}</c> in <see cref="TrainingOptions.DatasetContainer"/>), so the same
/// bytes are stored once and give the same dataset id. Table <see cref="TrainingOptions.DatasetTable"/> holds, in
/// partition <c>upload:{name}</c>, a row per upload and the <c>latest</c>; in partition <c>snapshot:{hex}</c>, a row
/// per way of reading those bytes (a hash of the task, the spec's data section and the source), so snapshotting the
/// same bytes with the same spec again returns the first snapshot.
/// </summary>
public sealed class DatasetStore
{
    private const string LatestRow = "latest";
    private readonly BlobServiceClient _blobs;
    private readonly BlobContainerClient _container;
    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private readonly TrainingOptions _options;
    private volatile bool _provisioned;

    /// <summary>Creates the store over the platform's storage clients.</summary>
    public DatasetStore(BlobServiceClient blobs, TableServiceClient tables, TimeProvider clock, IOptions<TrainingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _blobs = blobs;
        _container = blobs.GetBlobContainerClient(_options.DatasetContainer);
        _table = tables.GetTableClient(_options.DatasetTable);
        _clock = clock;
    }

    /// <summary>
    /// Stores the CSV read from <paramref name="csv"/> as the latest upload of dataset <paramref name="name"/>. The
    /// stream is copied to a temporary file while it is hashed, never held whole in memory.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The name is not valid (checked before the stream is read).</exception>
    /// <exception cref="DatasetTooLargeException">The stream holds more than <see cref="TrainingOptions.MaxDatasetBytes"/>.</exception>
    /// <exception cref="TrainingDataException">The content is not UTF-8 CSV with a header and at least one row.</exception>
    public async Task<DatasetUpload> UploadAsync(string name, Stream csv, string uploadedBy, CancellationToken cancellationToken)
    {
        ValidateDatasetName(name);
        ArgumentNullException.ThrowIfNull(csv);
        using var staged = await StagedFile.WriteAsync(csv, _options.MaxDatasetBytes, "data", cancellationToken)
            ?? throw new DatasetTooLargeException(_options.MaxDatasetBytes);
        await using (var file = staged.OpenRead())
        {
            TabularReader.CheckCsv(file, cancellationToken);
        }

        await EnsureProvisionedAsync(cancellationToken);
        await staged.UploadOnceAsync(_container.GetBlobClient(BlobName(staged.Sha256, DataFormats.Csv)), cancellationToken);
        var upload = new DatasetUpload(name, staged.Sha256, staged.Length, _clock.GetUtcNow(), uploadedBy);
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, ToEntity(upload, $"upload-{upload.UploadedAt.UtcTicks:D19}-{Guid.NewGuid():N}")),
            new(TableTransactionActionType.UpsertReplace, ToEntity(upload, LatestRow)),
        ];
        await _table.SubmitTransactionAsync(actions, cancellationToken);
        return upload;
    }

    /// <summary>The latest upload of dataset <paramref name="name"/>.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The name is not valid.</exception>
    /// <exception cref="DatasetNotFoundException">Nothing was uploaded under that name.</exception>
    public async Task<DatasetUpload> GetUploadAsync(string name, CancellationToken cancellationToken)
    {
        ValidateDatasetName(name);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(UploadPartition(name), LatestRow, cancellationToken: cancellationToken);
        return row.HasValue
            ? FromEntity(row.Value!)
            : throw new DatasetNotFoundException($"No dataset named '{name}' has been uploaded. Upload its CSV with POST /datasets/{name}.");
    }

    /// <summary>The latest upload of every dataset, by name.</summary>
    public async Task<IReadOnlyList<DatasetUpload>> ListUploadsAsync(CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var uploads = new List<DatasetUpload>();
        var rows = _table.QueryAsync<TableEntity>(
            e => e.PartitionKey.CompareTo("upload:") >= 0 && e.PartitionKey.CompareTo("upload;") < 0 && e.RowKey == LatestRow,
            cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            uploads.Add(FromEntity(row));
        }

        return uploads.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Snapshots the data <paramref name="spec"/> trains on: its <c>data.source</c> or <c>data.dataset</c>, or
    /// <paramref name="source"/> when given (<c>container/path</c> in one of <see cref="TrainingOptions.DataContainers"/>,
    /// or <c>dataset:name</c>). The bytes are stored content-addressed, read through the spec (every check of
    /// <see cref="TrainingDataException"/>), and described with their schema and baseline statistics. The same bytes
    /// read the same way return the snapshot first taken of them.
    /// </summary>
    /// <exception cref="InvalidSpecException">The spec is not valid.</exception>
    /// <exception cref="TrainingDataException">The data is missing, too large, or cannot be trained on as the spec reads it.</exception>
    public async Task<DatasetSnapshot> SnapshotAsync(ModelSpec spec, string? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (ModelSpecValidator.Validate(spec) is { Count: > 0 } errors)
        {
            throw new InvalidSpecException(errors);
        }

        source ??= ModelSpecDefaults.Source(spec)!;
        await EnsureProvisionedAsync(cancellationToken);
        var (blob, format) = await ResolveAsync(spec, source, cancellationToken);
        using var staged = await StageAsync(
            blob, source, $"There is no blob '{ModelRegistry.Shorten(source)}' in the app's storage account (AppStorage): upload the data there, or fix the spec's data.source.", cancellationToken);
        string key = ReadingKey(spec, source);
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(SnapshotPartition(staged.Sha256), key, cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            return await FromSnapshotEntityAsync(existing.Value!, cancellationToken);
        }

        TabularRead read;
        await using (var file = staged.OpenRead())
        {
            read = await TabularReader.ReadAsync(file, format, spec, cancellationToken);
        }

        if (blob.BlobContainerName != _container.Name || blob.Name != BlobName(staged.Sha256, format))
        {
            await staged.UploadOnceAsync(_container.GetBlobClient(BlobName(staged.Sha256, format)), cancellationToken);
        }

        var snapshot = new DatasetSnapshot(
            staged.Sha256, source, format, staged.Length, read.Table.RowCount, read.DroppedRows, read.Schema,
            BaselineStatistics.Compute(read.Table), _clock.GetUtcNow());
        string baselineBlob = $"baselines/{staged.Sha256}-{key}.json";

        // Deterministic content: a writer that loses the race below wrote the same bytes.
        await _container.GetBlobClient(baselineBlob).UploadAsync(BinaryData.FromObjectAsJson(snapshot.Baseline), overwrite: true, cancellationToken);
        try
        {
            await _table.AddEntityAsync(ToSnapshotEntity(snapshot, key, baselineBlob), cancellationToken);
            return snapshot;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var first = await _table.GetEntityAsync<TableEntity>(SnapshotPartition(staged.Sha256), key, cancellationToken: cancellationToken);
            return await FromSnapshotEntityAsync(first.Value, cancellationToken);
        }
    }

    /// <summary>The snapshot of dataset <paramref name="id"/> as <paramref name="spec"/> read it from <paramref name="source"/>, or null when none was taken.</summary>
    public async Task<DatasetSnapshot?> FindSnapshotAsync(string id, ModelSpec spec, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(SnapshotPartition(id), ReadingKey(spec, source), cancellationToken: cancellationToken);
        return row.HasValue ? await FromSnapshotEntityAsync(row.Value!, cancellationToken) : null;
    }

    /// <summary>Reads a snapshot's stored bytes through <paramref name="spec"/> again: the same table the snapshot described.</summary>
    /// <exception cref="TrainingDataException">
    /// The snapshot's bytes are gone or changed, or <paramref name="spec"/> reads them differently from the spec the snapshot was taken with.
    /// </exception>
    public async Task<TrainingTable> LoadAsync(DatasetSnapshot snapshot, ModelSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(spec);
        await EnsureProvisionedAsync(cancellationToken);
        var blob = _container.GetBlobClient(BlobName(snapshot.Id, snapshot.Format));
        using var staged = await StageAsync(
            blob, $"{_container.Name}/{blob.Name}", $"Snapshot {snapshot.Id}'s stored copy ({_container.Name}/{blob.Name}) is gone: take a new snapshot.", cancellationToken);
        if (staged.Sha256 != snapshot.Id)
        {
            throw new TrainingDataException($"Snapshot {snapshot.Id}'s stored bytes have SHA-256 {staged.Sha256}: they changed after the snapshot was taken. Take a new snapshot.");
        }

        TabularRead read;
        await using (var file = staged.OpenRead())
        {
            read = await TabularReader.ReadAsync(file, snapshot.Format, spec, cancellationToken);
        }

        return read.Table.RowCount == snapshot.Rows
            ? read.Table
            : throw new TrainingDataException($"The spec reads {read.Table.RowCount} rows from snapshot {snapshot.Id}, which has {snapshot.Rows}: it is not the spec the snapshot was taken with. Take a new snapshot.");
    }

    /// <summary>
    /// Checks a data source without reading it: <c>dataset:name</c> with a valid name, or <c>container/path</c> in one of
    /// <see cref="TrainingOptions.DataContainers"/>.
    /// </summary>
    /// <exception cref="TrainingDataException">The source is malformed or outside the allowed containers; the message says which.</exception>
    public void CheckSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith(ModelSpecDefaults.DatasetSourcePrefix, StringComparison.Ordinal))
        {
            if (ModelSpecValidator.NameProblem(source[ModelSpecDefaults.DatasetSourcePrefix.Length..], "dataset") is { } problem)
            {
                throw new TrainingDataException(problem);
            }

            return;
        }

        if (!BlobReference.TryParse(source, out string container, out _))
        {
            throw new TrainingDataException(ModelSpecValidator.SourceProblem(source)!);
        }

        var allowed = _options.DataContainerList;
        if (!allowed.Contains(container, StringComparer.Ordinal))
        {
            throw new TrainingDataException(
                $"Training data is read only from the container(s) {string.Join(", ", allowed.Select(c => $"'{c}'"))} (Training__DataContainers), not '{container}'.");
        }
    }

    private async Task<(BlobClient Blob, string Format)> ResolveAsync(ModelSpec spec, string source, CancellationToken cancellationToken)
    {
        CheckSource(source);
        if (source.StartsWith(ModelSpecDefaults.DatasetSourcePrefix, StringComparison.Ordinal))
        {
            string name = source[ModelSpecDefaults.DatasetSourcePrefix.Length..];
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(UploadPartition(name), LatestRow, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                throw new TrainingDataException($"No dataset named '{name}' has been uploaded: upload its CSV with POST /datasets/{name}, or point data.source at a blob.");
            }

            return (_container.GetBlobClient(BlobName(FromEntity(row.Value!).Sha256, DataFormats.Csv)), DataFormats.Csv);
        }

        _ = BlobReference.TryParse(source, out string container, out string path);
        string format = ModelSpecDefaults.Format(spec, source)
            ?? throw new TrainingDataException($"'{ModelRegistry.Shorten(source)}' ends neither in .csv nor .parquet: give data.format (\"csv\" or \"parquet\") in the spec.");
        return (_blobs.GetBlobContainerClient(container).GetBlobClient(path), format);
    }

    private async Task<StagedFile> StageAsync(BlobClient blob, string source, string missing, CancellationToken cancellationToken)
    {
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new TrainingDataException(missing, ex);
        }

        using (download)
        {
            return await StagedFile.WriteAsync(download.Content, _options.MaxDatasetBytes, "data", cancellationToken)
                ?? throw new TrainingDataException($"'{ModelRegistry.Shorten(source)}' is larger than the {_options.MaxDatasetBytes} bytes allowed (Training__MaxDatasetBytes).");
        }
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (_provisioned)
        {
            return;
        }

        await Task.WhenAll(
            _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _table.CreateIfNotExistsAsync(cancellationToken));
        _provisioned = true;
    }

    private static void ValidateDatasetName(string name)
    {
        if (ModelSpecValidator.NameProblem(name, "dataset") is { } problem)
        {
            throw new InvalidRegistryArgumentException(problem);
        }
    }

    /// <summary>Everything that decides how the bytes are read, and where they came from, as one hash.</summary>
    private static string ReadingKey(ModelSpec spec, string source) =>
        CanonicalJson.Sha256(new { task = spec.Task, data = spec.Data! with { Source = null, Dataset = null }, source });

    private static string BlobName(string sha256, string format) => $"sha256/{sha256}.{format}";

    private static string UploadPartition(string name) => "upload:" + name;

    private static string SnapshotPartition(string sha256) => "snapshot:" + sha256;

    private static TableEntity ToEntity(DatasetUpload upload, string rowKey) => new(UploadPartition(upload.Name), rowKey)
    {
        ["Sha256"] = upload.Sha256,
        ["SizeBytes"] = upload.SizeBytes,
        ["UploadedAt"] = upload.UploadedAt,
        ["UploadedBy"] = upload.UploadedBy,
    };

    private static DatasetUpload FromEntity(TableEntity row) => new(
        row.PartitionKey["upload:".Length..],
        row.GetString("Sha256"),
        row.GetInt64("SizeBytes") ?? 0,
        row.GetDateTimeOffset("UploadedAt") ?? default,
        row.GetString("UploadedBy"));

    private static TableEntity ToSnapshotEntity(DatasetSnapshot snapshot, string key, string baselineBlob) => new(SnapshotPartition(snapshot.Id), key)
    {
        ["Source"] = snapshot.Source,
        ["Format"] = snapshot.Format,
        ["SizeBytes"] = snapshot.SizeBytes,
        ["Rows"] = snapshot.Rows,
        ["DroppedRows"] = snapshot.DroppedRows,
        ["Schema"] = JsonSerializer.Serialize(snapshot.Schema),
        ["BaselineBlob"] = baselineBlob,
        ["SnapshotAt"] = snapshot.SnapshotAt,
    };

    private async Task<DatasetSnapshot> FromSnapshotEntityAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var baseline = await _container.GetBlobClient(row.GetString("BaselineBlob")).DownloadContentAsync(cancellationToken);
        return new DatasetSnapshot(
            row.PartitionKey["snapshot:".Length..],
            row.GetString("Source"),
            row.GetString("Format"),
            row.GetInt64("SizeBytes") ?? 0,
            row.GetInt32("Rows") ?? 0,
            row.GetInt32("DroppedRows") ?? 0,
            JsonSerializer.Deserialize<List<ColumnSchema>>(row.GetString("Schema"))!,
            baseline.Value.Content.ToObjectFromJson<List<FeatureBaseline>>()!,
            row.GetDateTimeOffset("SnapshotAt") ?? default);
    }
}
