using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving.Shadow;

/// <summary>
/// Shadow comparisons in Table Storage (<see cref="ServingOptions.ShadowTable"/>), one partition per model: a row per
/// prediction, keyed by the prediction id the caller got, with both versions' outputs, whether the labels agreed and
/// the score difference (upserted, so a repeat stores nothing twice); and a row per instance
/// (<c>~instance-{id}</c>) with its drop and failure counts since it started.
/// </summary>
public sealed class ShadowStore
{
    private const int MaxTransactionSize = 100;

    // A table property holds at most 64 KiB (32 K UTF-16 characters); a larger output is not kept, only its comparison.
    private const int MaxOutputChars = 30_000;
    private const string InstancePrefix = "~instance-";

    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private volatile bool _created;

    /// <summary>Uses the app's table storage.</summary>
    public ShadowStore(TableServiceClient tables, IOptions<ServingOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.ShadowTable);
        _clock = clock;
    }

    /// <summary>Stores the comparisons of one shadowed request.</summary>
    internal async Task RecordAsync(ShadowRequest request, IReadOnlyList<ShadowOutcome> outcomes, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var now = _clock.GetUtcNow();
        foreach (var chunk in outcomes.Chunk(MaxTransactionSize))
        {
            var actions = chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(request.Model, o.PredictionId)
            {
                ["Alias"] = request.Alias,
                ["Version"] = request.Version,
                ["ShadowVersion"] = request.Shadow.Version,
                ["Agreed"] = o.Agreed,
                ["ScoreDifference"] = o.ScoreDifference,
                ["Outputs"] = o.Outputs.Length <= MaxOutputChars ? o.Outputs : null,
                ["ShadowOutputs"] = o.ShadowOutputs.Length <= MaxOutputChars ? o.ShadowOutputs : null,
                ["At"] = now,
            }));
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>Stores an instance's drop and failure counts of a model (absolute, so a repeat is harmless).</summary>
    internal async Task RecordCountsAsync(string model, string instanceId, long dropped, long failed, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(model, InstancePrefix + instanceId) { ["Dropped"] = dropped, ["Failed"] = failed, ["At"] = _clock.GetUtcNow() },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>The model's comparisons, per alias, version and shadow version, and the drops and failures every instance reported.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The name is not a valid model name.</exception>
    public async Task<ShadowSummary> SummarizeAsync(string model, CancellationToken cancellationToken)
    {
        ModelRegistry.ValidateName(model);
        var pairs = new Dictionary<(string Alias, int Version, int Shadow), Pair>();
        long dropped = 0, failed = 0;
        try
        {
            var rows = _table.QueryAsync<TableEntity>(
                e => e.PartitionKey == model,
                select: ["RowKey", "Alias", "Version", "ShadowVersion", "Agreed", "ScoreDifference", "At", "Dropped", "Failed"],
                cancellationToken: cancellationToken);
            await foreach (var row in rows)
            {
                if (row.RowKey.StartsWith(InstancePrefix, StringComparison.Ordinal))
                {
                    dropped += row.GetInt64("Dropped") ?? 0;
                    failed += row.GetInt64("Failed") ?? 0;
                    continue;
                }

                var key = (row.GetString("Alias") ?? string.Empty, row.GetInt32("Version") ?? 0, row.GetInt32("ShadowVersion") ?? 0);
                if (!pairs.TryGetValue(key, out var pair))
                {
                    pairs[key] = pair = new Pair();
                }

                pair.Add(row.GetBoolean("Agreed"), row.GetDouble("ScoreDifference"), row.GetDateTimeOffset("At") ?? default);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No comparison has been stored anywhere yet.
        }

        var all = new Pair();
        foreach (var pair in pairs.Values)
        {
            all.Merge(pair);
        }

        return new ShadowSummary(
            model,
            all.Compared,
            dropped,
            failed,
            all.AgreementRate,
            all.MeanScoreDifference,
            pairs.OrderByDescending(p => p.Value.Last)
                .Select(p => new ShadowPairSummary(p.Key.Alias, p.Key.Version, p.Key.Shadow, p.Value.Compared, p.Value.Labelled, p.Value.AgreementRate, p.Value.Scored, p.Value.MeanScoreDifference, p.Value.Last))
                .ToList());
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }

    private sealed class Pair
    {
        public long Compared { get; private set; }

        public long Labelled { get; private set; }

        public long Agreed { get; private set; }

        public long Scored { get; private set; }

        public double ScoreSum { get; private set; }

        public DateTimeOffset Last { get; private set; }

        public double? AgreementRate => Labelled > 0 ? (double)Agreed / Labelled : null;

        public double? MeanScoreDifference => Scored > 0 ? ScoreSum / Scored : null;

        public void Add(bool? agreed, double? score, DateTimeOffset at)
        {
            Compared++;
            if (agreed is bool same)
            {
                Labelled++;
                Agreed += same ? 1 : 0;
            }

            if (score is double difference)
            {
                Scored++;
                ScoreSum += difference;
            }

            Last = at > Last ? at : Last;
        }

        public void Merge(Pair other)
        {
            Compared += other.Compared;
            Labelled += other.Labelled;
            Agreed += other.Agreed;
            Scored += other.Scored;
            ScoreSum += other.ScoreSum;
            Last = other.Last > Last ? other.Last : Last;
        }
    }
}
