using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Monitoring.Feedback;

/// <summary>
/// Records the true labels or values of sampled predictions (ground truth): merges <c>Actual</c> (JSON) and
/// <c>FeedbackAt</c> onto the sample's row in <see cref="MonitoringOptions.SampleTable"/>. A call is checked whole before
/// anything is written (shape, ids, a stored sample per id, the actual's type against the sample's outputs, earlier
/// feedback), then written in one table transaction per partition (at most 100 rows each), so nothing is half-stored.
/// </summary>
public sealed class FeedbackStore
{
    /// <summary>The most predictions one call may give feedback for.</summary>
    public const int MaxItems = 1000;

    private const int MaxTransactionSize = 100;
    private const int ParallelReads = 8;
    private const int MaxListedIds = 10;

    // The sample's time is taken a moment apart from the id's creation, so near a window boundary the neighbour is looked in too.
    private static readonly TimeSpan BoundarySlack = TimeSpan.FromSeconds(5);

    private readonly TableClient _table;
    private readonly SampleStore _samples;
    private readonly TimeProvider _clock;

    /// <summary>Uses the sample table of <paramref name="options"/>.</summary>
    public FeedbackStore(TableServiceClient tables, SampleStore samples, IOptions<MonitoringOptions> options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.SampleTable);
        _samples = samples;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// Reads a body <c>{"feedback": [{"predictionId": "...", "label" | "value": string, number or boolean}, ...]}</c>
    /// (1 to <see cref="MaxItems"/> items, each id once).
    /// </summary>
    /// <exception cref="InvalidFeedbackException">The body is malformed (the message names the item and field), an id is not a UUID version 7, or an id appears twice.</exception>
    public static IReadOnlyList<FeedbackItem> Parse(ReadOnlyMemory<byte> body)
    {
        const string Shape = "The body must be {\"feedback\": [{\"predictionId\": \"...\", \"label\": \"...\"}, ...]} (\"value\" instead of \"label\" for a regressor).";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidFeedbackException($"The body is not valid JSON ({ex.Message}). {Shape}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("feedback", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidFeedbackException($"'feedback' is missing or not an array. {Shape}");
            }

            int count = list.GetArrayLength();
            if (count is 0 or > MaxItems)
            {
                throw new InvalidFeedbackException($"'feedback' must hold 1 to {MaxItems} items, not {count}; split larger sets into several calls.");
            }

            var items = new List<FeedbackItem>(count);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var parsed = ParseItem(item, index);
                if (!seen.TryAdd(parsed.PredictionId, index))
                {
                    throw new InvalidFeedbackException($"feedback[{index}].predictionId: '{parsed.PredictionId}' is also feedback[{seen[parsed.PredictionId]}]; send each prediction once.");
                }

                items.Add(parsed);
                index++;
            }

            return items;
        }
    }

    /// <summary>
    /// The canonical form of a prediction id (<c>{uuid v7}</c> or <c>{uuid v7}.{row}</c>) and when it was created (the
    /// UUID's first 48 bits, Unix milliseconds), or false when <paramref name="predictionId"/> is not one.
    /// </summary>
    public static bool TryParsePredictionId(string predictionId, out string canonical, out DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(predictionId);
        canonical = string.Empty;
        created = default;
        int dot = predictionId.IndexOf('.', StringComparison.Ordinal);
        string uuid = dot < 0 ? predictionId : predictionId[..dot];
        string suffix = string.Empty;
        if (dot >= 0)
        {
            if (!int.TryParse(predictionId.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int row))
            {
                return false;
            }

            suffix = "." + row.ToString(CultureInfo.InvariantCulture);
        }

        if (!Guid.TryParseExact(uuid, "D", out var guid) || guid.Version != 7)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        long milliseconds = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
        created = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        canonical = guid.ToString("D") + suffix;
        return true;
    }

    /// <summary>Records <paramref name="items"/> for <paramref name="model"/>'s sampled predictions, all or nothing per partition; nothing at all when a check fails.</summary>
    /// <exception cref="UnknownPredictionException">Some ids have no stored sample of <paramref name="model"/> (up to 10 are named).</exception>
    /// <exception cref="InvalidFeedbackException">An actual does not fit its sample's outputs (a label not among its classes, a string for a numeric value, ...).</exception>
    /// <exception cref="FeedbackConflictException">Some predictions already carry a different actual, or one changed while this call ran.</exception>
    public async Task<FeedbackResult> RecordAsync(string model, IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(items);
        var found = new ConcurrentDictionary<int, TableEntity>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                if (await FindAsync(model, items[i].PredictionId, token) is { } entity)
                {
                    found[i] = entity;
                }
            });

        var unknown = Enumerable.Range(0, items.Count).Where(i => !found.ContainsKey(i)).Select(i => items[i].PredictionId).ToList();
        if (unknown.Count > 0)
        {
            throw new UnknownPredictionException(
                $"{unknown.Count} of {items.Count} prediction ids have no stored sample of model '{model}': {string.Join(", ", unknown.Take(MaxListedIds))}{(unknown.Count > MaxListedIds ? ", ..." : string.Empty)}. " +
                "Only sampled predictions can take feedback (the share sampled is Monitoring__SampleRate), and a sample is stored a few seconds after its answer.");
        }

        var conflicts = new List<string>();
        var writes = new List<TableEntity>();
        for (int i = 0; i < items.Count; i++)
        {
            var entity = found[i];
            using (var outputs = JsonDocument.Parse(entity.GetString("Outputs") ?? "{}"))
            {
                if (Misfit(outputs.RootElement, items[i].Actual) is { } why)
                {
                    throw new InvalidFeedbackException($"feedback[{i}] ('{items[i].PredictionId}'): {why}");
                }
            }

            if (entity.GetString("Actual") is { } earlier)
            {
                using var stored = JsonDocument.Parse(earlier);
                if (!JsonElement.DeepEquals(stored.RootElement, items[i].Actual))
                {
                    conflicts.Add($"{items[i].PredictionId} (has {earlier})");
                }

                continue;
            }

            writes.Add(new TableEntity(entity.PartitionKey, entity.RowKey)
            {
                ["Actual"] = items[i].Actual.GetRawText(),
                ["FeedbackAt"] = _clock.GetUtcNow(),
                ETag = entity.ETag,
            });
        }

        if (conflicts.Count > 0)
        {
            throw new FeedbackConflictException(
                $"{conflicts.Count} predictions already have a different actual, which feedback does not overwrite: {string.Join(", ", conflicts.Take(MaxListedIds))}{(conflicts.Count > MaxListedIds ? ", ..." : string.Empty)}.");
        }

        foreach (var partition in writes.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxTransactionSize))
            {
                try
                {
                    await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateMerge, e, e.ETag)), cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 412)
                {
                    throw new FeedbackConflictException("A prediction's sample changed while the feedback was recorded (another call gave it feedback); send the call again.", ex);
                }
            }
        }

        return new FeedbackResult(writes.Count, items.Count - writes.Count);
    }

    private static FeedbackItem ParseItem(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidFeedbackException($"feedback[{index}] must be an object {{\"predictionId\": \"...\", \"label\": ...}}, not {Kind(item)}.");
        }

        string? id = null;
        JsonElement? actual = null;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "predictionId" when property.Value.ValueKind == JsonValueKind.String:
                    id = property.Value.GetString();
                    break;
                case "predictionId":
                    throw new InvalidFeedbackException($"feedback[{index}].predictionId must be a string (the prediction_id of the answer), not {Kind(property.Value)}.");
                case "label" or "value" when actual is not null:
                    throw new InvalidFeedbackException($"feedback[{index}] has both 'label' and 'value'; send one ('label' for a classifier, 'value' for a regressor).");
                case "label" or "value" when property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    actual = property.Value.Clone();
                    break;
                case "label" or "value":
                    throw new InvalidFeedbackException($"feedback[{index}].{property.Name} must be a string, number or boolean, not {Kind(property.Value)}.");
                default:
                    throw new InvalidFeedbackException($"feedback[{index}].{property.Name} is not a feedback field; an item has 'predictionId' and 'label' (or 'value').");
            }
        }

        if (id is null)
        {
            throw new InvalidFeedbackException($"feedback[{index}].predictionId is missing.");
        }

        if (actual is null)
        {
            throw new InvalidFeedbackException($"feedback[{index}].label is missing ('label' for a classifier's true class, 'value' for a regressor's true value).");
        }

        if (!TryParsePredictionId(id, out string canonical, out _))
        {
            throw new InvalidFeedbackException($"feedback[{index}].predictionId '{id}' is not a prediction id: those are UUIDs version 7 as answers carry them (with '.row' for a split /infer row).");
        }

        return new FeedbackItem(canonical, actual.Value);
    }

    private async Task<TableEntity?> FindAsync(string model, string predictionId, CancellationToken cancellationToken)
    {
        if (!TryParsePredictionId(predictionId, out _, out var created))
        {
            return null;
        }

        var window = _samples.WindowStart(created);
        if (await ReadAsync(SampleStore.PartitionKey(model, window), predictionId, cancellationToken) is { } entity)
        {
            return entity;
        }

        var neighbour = _samples.WindowStart(created + BoundarySlack);
        if (neighbour == window)
        {
            neighbour = _samples.WindowStart(created - BoundarySlack);
        }

        return neighbour == window ? null : await ReadAsync(SampleStore.PartitionKey(model, neighbour), predictionId, cancellationToken);
    }

    private async Task<TableEntity?> ReadAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The table does not exist yet: no sample was ever stored.
            return null;
        }
    }

    /// <summary>Why <paramref name="actual"/> cannot be the truth for a prediction with <paramref name="outputs"/>, or null when it fits.</summary>
    private static string? Misfit(JsonElement outputs, JsonElement actual)
    {
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (outputs.TryGetProperty("probabilities", out var probabilities) && probabilities.ValueKind == JsonValueKind.Object)
        {
            string text = actual.ValueKind == JsonValueKind.String ? actual.GetString()! : actual.GetRawText();
            var classes = probabilities.EnumerateObject().Select(p => p.Name).ToList();
            return classes.Contains(text, StringComparer.Ordinal)
                ? null
                : $"the label {actual.GetRawText()} is not one of the model's classes ({string.Join(", ", classes)}).";
        }

        foreach (string name in new[] { "label", "value" })
        {
            if (outputs.TryGetProperty(name, out var predicted) && Kind(predicted) is var expected and ("a string" or "a number" or "a boolean"))
            {
                return Kind(actual) == expected ? null : $"the model predicts {expected} here, so the actual must be {expected}, not {Kind(actual)}.";
            }
        }

        return null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };
}
