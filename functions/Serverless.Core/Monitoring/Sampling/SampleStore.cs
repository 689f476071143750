using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Monitoring.Sampling;

/// <summary>
/// Stores sampled predictions: each in Table Storage (<see cref="MonitoringOptions.SampleTable"/>), partition
/// <c>{model}|{windowStart:yyyyMMddTHHmmss}</c> so that one model's window is one partition query, row key the prediction
/// id (upserted, so a message delivered twice stores nothing twice; a shadow version's sample of the same prediction is
/// <c>{id}|shadow</c> beside it, and takes the served row's feedback when read); and each batch's samples per window as a Parquet
/// file at <c>{SampleContainer}/{model}/window={windowStart:yyyy-MM-ddTHH-mm-ss}/{batchId}.parquet</c>, named by the
/// batch's content so that a redelivery overwrites the same file.
/// </summary>
public sealed class SampleStore
{
    /// <summary>Ends the row key of a shadow version's sample, beside the served prediction's row (ids never hold <c>|</c>).</summary>
    public const string ShadowSuffix = "|shadow";

    private const int MaxTransactionSize = 100;

    private readonly TableClient _table;
    private readonly BlobContainerClient _container;
    private readonly TimeSpan _window;
    private bool _created;

    /// <summary>Uses the app's table and blob storage.</summary>
    public SampleStore(TableServiceClient tables, BlobServiceClient blobs, IOptions<MonitoringOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.SampleTable);
        _container = blobs.GetBlobContainerClient(options.Value.SampleContainer);
        _window = options.Value.WindowLength;
    }

    /// <summary>The start of the window <paramref name="time"/> falls in (UTC).</summary>
    public DateTimeOffset WindowStart(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % _window.Ticks), TimeSpan.Zero);

    /// <summary>The partition that holds <paramref name="model"/>'s samples of the window starting at <paramref name="windowStart"/>.</summary>
    public static string PartitionKey(string model, DateTimeOffset windowStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}|{windowStart.UtcDateTime:yyyyMMddTHHmmss}");

    /// <summary>Where one batch's samples of one model and window are written as Parquet, within the container.</summary>
    public static string ParquetPath(string model, DateTimeOffset windowStart, string batchId) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/window={windowStart.UtcDateTime:yyyy-MM-ddTHH-mm-ss}/{batchId}.parquet");

    /// <summary>The row key of <paramref name="sample"/>: its prediction id, with <see cref="ShadowSuffix"/> for a shadow's.</summary>
    public static string RowKey(PredictionSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Shadow ? sample.PredictionId + ShadowSuffix : sample.PredictionId;
    }

    /// <summary>Stores the samples of one sample-queue message (a JSON array of samples), named by its content; returns the windows they fell in.</summary>
    /// <exception cref="JsonException">The message is not a JSON array of samples.</exception>
    public Task<IReadOnlyList<SampleWindow>> StoreMessageAsync(string message, CancellationToken cancellationToken) =>
        StoreAsync(SampleMessages.Parse(message), SampleMessages.BatchId(message), cancellationToken);

    /// <summary>Stores <paramref name="samples"/> in the table and, per model and window, as Parquet named <paramref name="batchId"/>; returns the windows they fell in.</summary>
    public async Task<IReadOnlyList<SampleWindow>> StoreAsync(IReadOnlyList<PredictionSample> samples, string batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var windows = new List<SampleWindow>();
        if (samples.Count == 0)
        {
            return windows;
        }

        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        foreach (var window in samples.GroupBy(s => (s.Model, Start: WindowStart(s.Time))))
        {
            string partition = PartitionKey(window.Key.Model, window.Key.Start);

            // Merged, not replaced, so that a message delivered again after feedback keeps the row's Actual.
            // A batch may name a prediction twice only if a client reused ids; the last one wins, as an upsert would.
            var rows = window.GroupBy(RowKey, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            foreach (var chunk in rows.Chunk(MaxTransactionSize))
            {
                await _table.SubmitTransactionAsync(
                    chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertMerge, ToEntity(partition, s))),
                    cancellationToken);
            }

            using var parquet = new MemoryStream();
            await SampleParquet.WriteAsync(rows, parquet, cancellationToken);
            parquet.Position = 0;
            await _container.GetBlobClient(ParquetPath(window.Key.Model, window.Key.Start, batchId)).UploadAsync(parquet, overwrite: true, cancellationToken);
            windows.Add(new SampleWindow(window.Key.Model, window.Key.Start));
        }

        return windows;
    }

    /// <summary>
    /// The samples of <paramref name="model"/> in the window that starts at <paramref name="windowStart"/> (one partition
    /// query). Feedback is recorded on the served prediction's row; a shadow sample takes it from there, so that the
    /// shadow version's answers are judged against the same ground truth.
    /// </summary>
    public async Task<IReadOnlyList<PredictionSample>> ReadWindowAsync(string model, DateTimeOffset windowStart, CancellationToken cancellationToken = default)
    {
        string partition = PartitionKey(model, WindowStart(windowStart));
        var samples = new List<PredictionSample>();
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            {
                bool shadow = entity.GetBoolean("Shadow") ?? false;
                samples.Add(new PredictionSample(
                    entity.GetString("Model"),
                    entity.GetInt32("Version") ?? 0,
                    shadow && entity.RowKey.EndsWith(ShadowSuffix, StringComparison.Ordinal) ? entity.RowKey[..^ShadowSuffix.Length] : entity.RowKey,
                    entity.GetDateTimeOffset("Time") ?? windowStart,
                    Parse(entity.GetString("Inputs")),
                    Parse(entity.GetString("Outputs")),
                    entity.GetString("Actual") is { } actual ? Parse(actual) : null,
                    shadow));
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No sample was ever stored.
        }

        return JoinShadowFeedback(samples);
    }

    private static List<PredictionSample> JoinShadowFeedback(List<PredictionSample> samples)
    {
        if (!samples.Exists(s => s.Shadow && s.Actual is null))
        {
            return samples;
        }

        var actuals = samples.Where(s => !s.Shadow && s.Actual is not null).ToDictionary(s => s.PredictionId, s => s.Actual, StringComparer.Ordinal);
        return samples.ConvertAll(s => s.Shadow && s.Actual is null && actuals.TryGetValue(s.PredictionId, out var actual) ? s with { Actual = actual } : s);
    }

    private static TableEntity ToEntity(string partition, PredictionSample sample)
    {
        var entity = new TableEntity(partition, RowKey(sample))
        {
            ["Model"] = sample.Model,
            ["Version"] = sample.Version,
            ["Time"] = sample.Time.ToUniversalTime(),
            ["Inputs"] = sample.Inputs.GetRawText(),
            ["Outputs"] = sample.Outputs.GetRawText(),
        };
        if (sample.Shadow)
        {
            entity["Shadow"] = true;
        }

        return entity;
    }

    private static JsonElement Parse(string? json)
    {
        using var document = JsonDocument.Parse(json ?? "{}");
        return document.RootElement.Clone();
    }
}
