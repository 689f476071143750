using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Governance.Audit;

/// <summary>
/// The tamper-evident audit log in Table Storage (<see cref="AuditOptions.Table"/>): one hash chain per partition (a
/// model's name, or <see cref="PlatformChain"/> for actions on no model), a row per entry keyed by its zero-padded
/// sequence number, each carrying the previous entry's hash and its own, and a head row holding the latest number and
/// hash. An entry and the head move in one transaction guarded by the head's ETag, so two appends racing for the same
/// number never both succeed and the chain has no gaps; the loser reads the new head and tries again. Chains are per
/// model so that busy models do not contend with each other. An append under an operation id also adds, in the same
/// transaction, a row naming the entry (outside the chain, after the head in key order), so that the operation is
/// recorded once however often it is retried.
/// </summary>
public sealed class AuditLog
{
    /// <summary>The chain of entries that name no model.</summary>
    public const string PlatformChain = "_platform";

    /// <summary>The previous hash of a chain's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    private const string HeadRow = "head";

    // Sorts after the entries and the head, so that "RowKey lt 'head'" reads entries alone.
    private const string OperationPrefix = "op-";
    private const int MaxAttempts = 50;

    // Table Storage keeps at most 32K UTF-16 characters in a string property; free text is cut well below that.
    private const int MaxTextChars = 8_000;

    private readonly TableClient _table;
    private volatile bool _provisioned;

    /// <summary>Uses the app's table storage.</summary>
    public AuditLog(TableServiceClient tables, IOptions<AuditOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.Table);
    }

    /// <summary>The chain an entry about <paramref name="model"/> goes to.</summary>
    public static string ChainOf(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return PlatformChain;
        }

        try
        {
            ModelRegistry.ValidateName(model);
            return model;
        }
        catch (InvalidRegistryArgumentException)
        {
            // A refused request may name a model that cannot exist; it is kept, but not as a partition key.
            return PlatformChain;
        }
    }

    /// <summary>Appends <paramref name="entry"/> to its chain and returns it as stored (time to whole milliseconds, UTC).</summary>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        AppendAsync(entry, operationId: null, cancellationToken);

    /// <summary>
    /// Appends <paramref name="entry"/> at most once per <paramref name="operationId"/> in its chain (when given): the
    /// operation is recorded in the same transaction as the entry, so a repeated call (a retry after a crash, the same
    /// action taken again) appends nothing and returns the entry the first call stored. The platform's own actions
    /// pass the operation id they act under, so that their entries neither repeat nor go missing.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, string? operationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry = Normalize(entry);
        string chain = ChainOf(entry.Model);
        await EnsureProvisionedAsync(cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            if (operationId is not null && await FindOperationAsync(chain, operationId, cancellationToken) is { } done)
            {
                return done;
            }

            var head = await _table.GetEntityIfExistsAsync<TableEntity>(chain, HeadRow, cancellationToken: cancellationToken);
            long sequence = head.HasValue ? (head.Value!.GetInt64("Sequence") ?? 0) + 1 : 1;
            string previous = head.HasValue ? head.Value!.GetString("Hash") ?? Genesis : Genesis;
            var record = new AuditRecord(chain, sequence, entry, previous, Hash(chain, sequence, entry, previous));
            var headRow = new TableEntity(chain, HeadRow) { ["Sequence"] = sequence, ["Hash"] = record.Hash };
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.Add, ToEntity(record)),
                head.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, headRow, head.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, headRow),
            ];
            if (operationId is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(chain, OperationRow(operationId)) { ["Operation"] = Text(operationId), ["Sequence"] = sequence }));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return record;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another append took this number first, or the same operation was appended meanwhile: look again.
                await Task.Delay(Random.Shared.Next(2, 10 * Math.Min(attempt, 10)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// One page of at most <paramref name="top"/> entries matching <paramref name="query"/>, by chain and then oldest
    /// first (a chain's order is the order its entries were appended in).
    /// </summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        await EnsureProvisionedAsync(cancellationToken);
        var filters = new List<string> { TableClient.CreateQueryFilter($"RowKey lt {HeadRow}") };
        if (query.Model is { } model)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {model}"));
        }

        if (query.ActorSubject is { } subject)
        {
            filters.Add(TableClient.CreateQueryFilter($"ActorSubject eq {subject}"));
        }

        if (query.Action is { } action)
        {
            filters.Add(TableClient.CreateQueryFilter($"Action eq {action}"));
        }

        if (query.From is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"Time ge {from.ToUniversalTime()}"));
        }

        if (query.To is { } to)
        {
            filters.Add(TableClient.CreateQueryFilter($"Time lt {to.ToUniversalTime()}"));
        }

        await foreach (var page in _table.QueryAsync<TableEntity>(string.Join(" and ", filters), top, cancellationToken: cancellationToken)
            .AsPages(continuationToken, top))
        {
            return new AuditPage(page.Values.Select(FromEntity).ToList(), page.ContinuationToken);
        }

        return new AuditPage([], null);
    }

    /// <summary>
    /// Walks <paramref name="chain"/> (or every chain when null) from its first entry, recomputing each hash, and
    /// reports the first entry that was edited, removed or moved.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(string? chain, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        string filter = chain is null ? string.Empty : TableClient.CreateQueryFilter($"PartitionKey eq {chain}");
        int chains = 0;
        long verified = 0;
        string? current = null;
        long expected = 1;
        string previous = Genesis;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            // Operation rows (after the head in key order) only say which entry an operation appended; the chain is the entries'.
            if (row.RowKey.StartsWith(OperationPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (row.PartitionKey != current)
            {
                if (current is not null && End(current, expected, previous, head: null) is { } unterminated)
                {
                    return new AuditVerification(false, chains, verified, unterminated);
                }

                current = row.PartitionKey;
                chains++;
                expected = 1;
                previous = Genesis;
            }

            if (row.RowKey == HeadRow)
            {
                if (End(current, expected, previous, row) is { } broken)
                {
                    return new AuditVerification(false, chains, verified, broken);
                }

                current = null;
                continue;
            }

            if (Check(row, expected, previous) is { } found)
            {
                return new AuditVerification(false, chains, verified, found);
            }

            previous = row.GetString("Hash") ?? string.Empty;
            expected++;
            verified++;
        }

        if (current is not null && End(current, expected, previous, head: null) is { } last)
        {
            return new AuditVerification(false, chains, verified, last);
        }

        return new AuditVerification(true, chains, verified, null);
    }

    private static AuditBreak? Check(TableEntity row, long expected, string previous)
    {
        string chain = row.PartitionKey;
        if (!long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence) || sequence < expected)
        {
            return new AuditBreak(chain, expected, $"entry {expected}", $"row '{row.RowKey}'",
                $"Row '{row.RowKey}' is not entry {expected}: a row was added or renumbered by hand.");
        }

        if (sequence > expected)
        {
            return new AuditBreak(chain, expected, $"entry {expected}", $"entry {sequence}",
                sequence == expected + 1 ? $"Entry {expected} is missing: it was deleted." : $"Entries {expected} to {sequence - 1} are missing: they were deleted.");
        }

        string? previousHash = row.GetString("PreviousHash");
        if (previousHash != previous)
        {
            return new AuditBreak(chain, sequence, previous, previousHash,
                $"Entry {sequence}'s previous hash is not the hash of the entry before it: it, or the one before it, was edited or replaced.");
        }

        string computed = Hash(chain, sequence, FromEntity(row).Entry, previous);
        string? stored = row.GetString("Hash");
        return computed == stored
            ? null
            : new AuditBreak(chain, sequence, computed, stored, $"Entry {sequence}'s content does not match its hash: it was edited.");
    }

    private static AuditBreak? End(string chain, long expected, string previous, TableEntity? head)
    {
        long last = expected - 1;
        if (head is null)
        {
            return new AuditBreak(chain, last + 1, "a head row", null, $"The chain's head row is missing: it was deleted, so entries after {last} may have been too.");
        }

        long headSequence = head.GetInt64("Sequence") ?? 0;
        if (headSequence > last)
        {
            return new AuditBreak(chain, last + 1, $"entry {last + 1}", null,
                headSequence == last + 1 ? $"Entry {headSequence}, the latest, is missing: it was deleted." : $"Entries {last + 1} to {headSequence} are missing: they were deleted.");
        }

        string? headHash = head.GetString("Hash");
        return headSequence == last && headHash == previous
            ? null
            : new AuditBreak(chain, last, previous, headHash, $"The chain's head (entry {headSequence}) does not match entry {last}: the head or the latest entry was edited.");
    }

    private static string Hash(string chain, long sequence, AuditEntry entry, string previous) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + CanonicalJson.Serialize(new ChainedEntry(chain, sequence, entry)))));

    private static AuditEntry Normalize(AuditEntry entry) => entry with
    {
        Before = Text(entry.Before),
        After = Text(entry.After),
        Reason = Text(entry.Reason),
        Alias = Text(entry.Alias),
        Run = Text(entry.Run),
        RequestId = Text(entry.RequestId),
        Model = Text(entry.Model),

        // Stored to whole milliseconds in UTC, so the entry read back hashes as it did when appended.
        Time = new DateTimeOffset(entry.Time.UtcTicks - (entry.Time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
    };

    private static string? Text(string? value) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= MaxTextChars ? value : value[..MaxTextChars] + "…";

    // Hashed, so that any operation id makes a valid row key.
    private static string OperationRow(string operationId) =>
        OperationPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)));

    private async Task<AuditRecord?> FindOperationAsync(string chain, string operationId, CancellationToken cancellationToken)
    {
        var operation = await _table.GetEntityIfExistsAsync<TableEntity>(chain, OperationRow(operationId), cancellationToken: cancellationToken);
        if (!operation.HasValue)
        {
            return null;
        }

        long sequence = operation.Value!.GetInt64("Sequence") ?? 0;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(chain, SequenceRow(sequence), cancellationToken: cancellationToken);
        return row.HasValue
            ? FromEntity(row.Value!)
            : throw new InvalidOperationException(
                $"Audit entry {sequence} of chain '{chain}', appended for operation '{operationId}', is missing: it was deleted (GET /audit/verify says where).");
    }

    private static string SequenceRow(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(AuditRecord record)
    {
        var entry = record.Entry;
        return new TableEntity(record.Chain, SequenceRow(record.Sequence))
        {
            ["ActorSubject"] = entry.Actor.Subject,
            ["ActorName"] = entry.Actor.Name,
            ["ActorRoles"] = JsonSerializer.Serialize(entry.Actor.Roles),
            ["Action"] = entry.Action,
            ["Model"] = entry.Model,
            ["Version"] = entry.Version,
            ["Alias"] = entry.Alias,
            ["Run"] = entry.Run,
            ["Before"] = entry.Before,
            ["After"] = entry.After,
            ["Reason"] = entry.Reason,
            ["Time"] = entry.Time,
            ["RequestId"] = entry.RequestId,
            ["Outcome"] = entry.Outcome,
            ["Status"] = entry.Status,
            ["PreviousHash"] = record.PreviousHash,
            ["Hash"] = record.Hash,
        };
    }

    private static AuditRecord FromEntity(TableEntity row)
    {
        string[] roles;
        try
        {
            roles = JsonSerializer.Deserialize<string[]>(row.GetString("ActorRoles") ?? "[]") ?? [];
        }
        catch (JsonException)
        {
            // An edited row still reads; its hash tells that it was edited.
            roles = [row.GetString("ActorRoles") ?? string.Empty];
        }

        var entry = new AuditEntry(
            new Actor(row.GetString("ActorSubject") ?? string.Empty, row.GetString("ActorName") ?? string.Empty, roles),
            row.GetString("Action") ?? string.Empty,
            row.GetString("Model"),
            row.GetInt32("Version"),
            row.GetString("Alias"),
            row.GetString("Run"),
            row.GetString("Before"),
            row.GetString("After"),
            row.GetString("Reason"),
            row.GetDateTimeOffset("Time") ?? default,
            row.GetString("RequestId"),
            row.GetString("Outcome") ?? string.Empty,
            row.GetInt32("Status"));
        long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence);
        return new AuditRecord(row.PartitionKey, sequence, entry, row.GetString("PreviousHash") ?? string.Empty, row.GetString("Hash") ?? string.Empty);
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (!_provisioned)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _provisioned = true;
        }
    }

    /// <summary>What an entry's hash covers besides the previous hash: its place, so that an entry cannot move.</summary>
    private sealed record ChainedEntry(string Chain, long Sequence, AuditEntry Entry);
}
