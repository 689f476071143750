using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Serverless.Core.Storage;

namespace Serverless.Core.Registry;

/// <summary>
/// The model registry: artifacts in Blob Storage named by their SHA-256, and in Table Storage one partition per
/// model holding its versions, aliases and alias history. Version numbers and alias moves are committed in one
/// table transaction guarded by the model row's ETag, so concurrent writers on any number of instances never produce
/// a gap, a duplicate or a half-written version.
/// </summary>
public sealed partial class ModelRegistry
{
    private const string ModelRow = "model";
    private const int MaxAttempts = 50;
    private readonly BlobServiceClient _blobs;
    private readonly BlobContainerClient _artifacts;
    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private readonly ModelRegistryOptions _options;
    private volatile bool _provisioned;

    /// <summary>Creates the registry over the platform's storage clients.</summary>
    public ModelRegistry(BlobServiceClient blobs, TableServiceClient tables, TimeProvider clock, IOptions<ModelRegistryOptions> options)
    {
        _options = options.Value;
        _blobs = blobs;
        _artifacts = blobs.GetBlobContainerClient(_options.ArtifactContainer);
        _table = tables.GetTableClient(_options.Table);
        _clock = clock;
    }

    /// <summary>Largest ONNX file accepted.</summary>
    public long MaxModelBytes => _options.MaxModelBytes;

    /// <summary>Checks a model name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The name is not valid; the message says what is allowed.</exception>
    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name ?? string.Empty))
        {
            throw new InvalidRegistryArgumentException($"'{Shorten(name)}' is not a valid model name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    /// <summary>Checks an alias: 1 to 32 lower-case letters, digits or '-', starting with a letter.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The alias is not valid; the message says what is allowed.</exception>
    public static void ValidateAlias(string alias)
    {
        if (!AliasPattern().IsMatch(alias ?? string.Empty))
        {
            throw new InvalidRegistryArgumentException($"'{Shorten(alias)}' is not a valid alias: use 1 to 32 lower-case letters, digits or '-', starting with a letter.");
        }
    }

    /// <summary>A value as quoted in an error message: at most 70 characters of it, whatever the caller sent.</summary>
    internal static string Shorten(string? value) => value is null ? string.Empty : value.Length > 70 ? value[..70] + "..." : value;

    /// <summary>Checks a version number: 1 or more.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The version is below 1.</exception>
    public static void ValidateVersion(int version)
    {
        if (version < 1)
        {
            throw new InvalidRegistryArgumentException($"'{version}' is not a valid version: versions are numbered from 1.");
        }
    }

    /// <summary>Registers <paramref name="model"/> as the next version of <paramref name="name"/>.</summary>
    /// <exception cref="InvalidModelException">The bytes are not a loadable, self-contained ONNX model.</exception>
    /// <exception cref="ModelTooLargeException">The model is over <see cref="MaxModelBytes"/>.</exception>
    public async Task<ModelVersionInfo> RegisterAsync(string name, byte[] model, RegistrationMetadata metadata, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(model, writable: false);
        return await RegisterAsync(name, stream, metadata, cancellationToken);
    }

    /// <summary>
    /// Registers the model read from <paramref name="model"/> as the next version of <paramref name="name"/>. The
    /// stream is copied to a temporary file while it is hashed, never held whole in memory.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The name is not valid (checked before the stream is read).</exception>
    /// <exception cref="InvalidModelException">The content is not a loadable, self-contained ONNX model.</exception>
    /// <exception cref="ModelTooLargeException">The stream holds more than <see cref="MaxModelBytes"/> bytes.</exception>
    public Task<ModelVersionInfo> RegisterAsync(string name, Stream model, RegistrationMetadata metadata, CancellationToken cancellationToken) =>
        RegisterAsync(name, model, metadata, operationId: null, cancellationToken);

    /// <summary>
    /// Registers the model read from <paramref name="model"/> as the next version of <paramref name="name"/>, once per
    /// <paramref name="operationId"/>: the version and the operation are committed together, so a repeated call (a
    /// retried activity) returns the version the first one registered instead of numbering another.
    /// </summary>
    public async Task<ModelVersionInfo> RegisterAsync(string name, Stream model, RegistrationMetadata metadata, string? operationId, CancellationToken cancellationToken)
    {
        ValidateName(name);
        if (operationId is not null && await FindOperationAsync(name, operationId, cancellationToken) is int done)
        {
            return await GetVersionAsync(name, done, cancellationToken);
        }

        using var staged = await StagedFile.WriteAsync(model, _options.MaxModelBytes, "model.onnx", cancellationToken) ?? throw new ModelTooLargeException(_options.MaxModelBytes);
        return await RegisterStagedAsync(name, staged, metadata, operationId, cancellationToken);
    }

    /// <summary>The version an operation registered or moved an alias to, or null when it has not run.</summary>
    public async Task<int?> FindOperationAsync(string name, string operationId, CancellationToken cancellationToken)
    {
        ValidateName(name);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(name, OperationRow(operationId), select: ["Version"], cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetInt32("Version") : null;
    }

    /// <summary>
    /// Registers a model that is already in the app's storage account, as <c>container/path</c> in one of the
    /// <see cref="ModelRegistryOptions.ReferenceContainers"/>: it is streamed to a temporary file while hashed, checked
    /// like an upload, and stored content-addressed like one. The referenced blob is left as it is.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The reference is malformed, outside the allowed containers, or names no blob.</exception>
    /// <exception cref="InvalidModelException">The blob is not a loadable, self-contained ONNX model.</exception>
    /// <exception cref="ModelTooLargeException">The blob is over <see cref="MaxModelBytes"/>.</exception>
    public async Task<ModelVersionInfo> RegisterFromBlobAsync(string name, string blobReference, RegistrationMetadata metadata, CancellationToken cancellationToken)
    {
        ValidateName(name);
        var blob = ResolveReference(blobReference);
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidRegistryArgumentException($"There is no blob '{blobReference}' in the app's storage account (AppStorage): upload the model there first, then reference it.", ex);
        }

        using (download)
        {
            if (download.Details.ContentLength > _options.MaxModelBytes)
            {
                throw new ModelTooLargeException(_options.MaxModelBytes);
            }

            using var staged = await StagedFile.WriteAsync(download.Content, _options.MaxModelBytes, "model.onnx", cancellationToken) ?? throw new ModelTooLargeException(_options.MaxModelBytes);
            return await RegisterStagedAsync(name, staged, metadata, operationId: null, cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid blob container name.</summary>
    internal static bool IsContainerName(string name) => ContainerPattern().IsMatch(name);

    private BlobClient ResolveReference(string reference)
    {
        if (!BlobReference.TryParse(reference, out string container, out string path))
        {
            throw new InvalidRegistryArgumentException($"'{Shorten(reference)}' is not a blob reference: write it as \"container/path/to/model.onnx\" (no empty, '.' or '..' path segments).");
        }

        var allowed = _options.ReferenceContainerList;
        if (!allowed.Contains(container, StringComparer.Ordinal))
        {
            throw new InvalidRegistryArgumentException(
                $"Registration by reference reads only from the container(s) {string.Join(", ", allowed.Select(c => $"'{c}'"))} (Registry__ReferenceContainers), not '{container}'.");
        }

        return _blobs.GetBlobContainerClient(container).GetBlobClient(path);
    }

    private async Task<ModelVersionInfo> RegisterStagedAsync(string name, StagedFile staged, RegistrationMetadata metadata, string? operationId, CancellationToken cancellationToken)
    {
        var signature = OnnxModelInspector.Inspect(staged.Path);
        await EnsureProvisionedAsync(cancellationToken);
        string artifact = $"sha256/{staged.Sha256}.onnx";
        await staged.UploadOnceAsync(_artifacts.GetBlobClient(artifact), cancellationToken);

        for (int attempt = 1; ; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(name, ModelRow, cancellationToken: cancellationToken);
            var now = _clock.GetUtcNow();
            int version = existing.HasValue ? (existing.Value!.GetInt32("LatestVersion") ?? 0) + 1 : 1;
            var info = new ModelVersionInfo(name, version, staged.Sha256, staged.Length, artifact, signature, now, metadata);
            var modelRow = existing.HasValue ? existing.Value! : new TableEntity(name, ModelRow) { ["CreatedAt"] = now };
            modelRow["LatestVersion"] = version;
            List<TableTransactionAction> actions =
            [
                existing.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, modelRow, modelRow.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, modelRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(info)),
            ];
            if (operationId is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(name, OperationRow(operationId)) { ["Version"] = version }));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return info;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                if (operationId is not null && await FindOperationAsync(name, operationId, cancellationToken) is int done)
                {
                    // The same operation, run twice at once, registered first elsewhere.
                    return await GetVersionAsync(name, done, cancellationToken);
                }

                // Another writer took this number first: read the new latest version and try the next one.
                await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 10)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new RegistryConflictException($"Model '{name}' kept changing under {MaxAttempts} attempts to number a new version; nothing was registered. Try again.", ex);
            }
        }
    }

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>, atomically, and records the move.</summary>
    /// <exception cref="ModelNotFoundException">The model or version does not exist.</exception>
    public Task<AliasChange> SetAliasAsync(string name, string alias, int version, string changedBy, CancellationToken cancellationToken) =>
        SetAliasAsync(name, alias, version, new AliasMove(changedBy), cancellationToken);

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/>, atomically, and records the move with its kind and
    /// reason; with an operation id, at most once for that id.
    /// </summary>
    /// <exception cref="ModelNotFoundException">The model or version does not exist.</exception>
    public async Task<AliasChange> SetAliasAsync(string name, string alias, int version, AliasMove move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(move);
        ValidateName(name);
        ValidateAlias(alias);
        var target = await GetVersionAsync(name, version, cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            if (move.OperationId is not null && await FindAliasMoveAsync(name, move.OperationId, cancellationToken) is { } done)
            {
                return done;
            }

            var current = await _table.GetEntityIfExistsAsync<TableEntity>(name, AliasRow(alias!), cancellationToken: cancellationToken);
            if (move.ExpectedVersion is int expected && (!current.HasValue || current.Value!.GetInt32("Version") != expected))
            {
                throw new RegistryConflictException(
                    $"Alias '{alias}' of model '{name}' no longer points at version {expected} (it moved meanwhile); it was not changed. Look again and retry.");
            }

            var now = _clock.GetUtcNow();
            var previous = current.HasValue ? current.Value! : null;
            var change = new AliasChange(
                alias!, version, previous?.GetInt32("Version"), now, move.ChangedBy, move.Kind, move.Reason,
                CanaryVersion: move.Kind == AliasMoveKinds.CanaryPromotion ? previous?.GetInt32(CanaryVersionColumn) : null);
            var aliasRow = new TableEntity(name, AliasRow(alias!)) { ["Version"] = version, ["ChangedAt"] = now, ["ChangedBy"] = move.ChangedBy };
            string logKey = $"aliaslog-{now.UtcTicks:D19}-{Guid.NewGuid():N}";
            List<TableTransactionAction> actions =
            [
                previous is not null
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, aliasRow, previous.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, aliasRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(name, logKey, change)),
            ];
            if (previous is not null)
            {
                actions.AddRange(await CarryRoutesAsync(previous, aliasRow, target, move, logKey, now, cancellationToken));
            }

            if (move.OperationId is not null)
            {
                actions.Add(new TableTransactionAction(
                    TableTransactionActionType.Add,
                    new TableEntity(name, OperationRow(move.OperationId)) { ["Version"] = version, ["AliasLog"] = logKey }));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return change;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new RegistryConflictException($"Alias '{alias}' of model '{name}' kept moving under {MaxAttempts} attempts; it was not changed. Try again.", ex);
            }
        }
    }

    /// <summary>
    /// Moves <paramref name="alias"/> back to the version it pointed at before its current one, skipping versions it
    /// was rolled back from: two rollbacks in a row go two promotions back, never forth again.
    /// </summary>
    /// <exception cref="NoRollbackTargetException">The alias has no earlier version to go back to.</exception>
    public Task<AliasChange> RollbackAsync(string name, string alias, string changedBy, string reason, CancellationToken cancellationToken) =>
        RollbackAsync(name, alias, changedBy, reason, fromVersion: null, operationId: null, cancellationToken);

    /// <summary>
    /// Rolls <paramref name="alias"/> back as the other overload does, but only while it points at
    /// <paramref name="fromVersion"/> (when given), and at most once per <paramref name="operationId"/> (when given: a
    /// repeat returns the first rollback).
    /// </summary>
    /// <exception cref="NoRollbackTargetException">The alias has no earlier version to go back to.</exception>
    /// <exception cref="RegistryConflictException">The alias no longer points at <paramref name="fromVersion"/>.</exception>
    public async Task<AliasChange> RollbackAsync(string name, string alias, string changedBy, string reason, int? fromVersion, string? operationId, CancellationToken cancellationToken)
    {
        if (operationId is not null && await FindAliasMoveAsync(name, operationId, cancellationToken) is { } done)
        {
            return done;
        }

        var model = await GetModelAsync(name, cancellationToken);
        ValidateAlias(alias);
        if (!model.Aliases.TryGetValue(alias, out int current))
        {
            throw new NoRollbackTargetException($"Model '{name}' has no '{alias}' alias, so there is nothing to roll back.");
        }

        if (fromVersion is { } expected && current != expected)
        {
            throw new RegistryConflictException($"Alias '{alias}' of model '{name}' points at version {current}, not {expected}: it moved meanwhile and was not rolled back.");
        }

        // Replay the alias's history as a stack: a move pushes, a rollback pops; what lies under the top is the target.
        var stack = new List<int>();
        foreach (var move in model.AliasHistory.Where(m => m.Alias == alias).OrderBy(m => m.ChangedAt))
        {
            if (move.Kind == AliasMoveKinds.Rollback)
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
            else if (stack.Count == 0 || stack[^1] != move.Version)
            {
                stack.Add(move.Version);
            }
        }

        int? target = stack.Count >= 2 && stack[^1] == current ? stack[^2] : null;
        if (target is null)
        {
            throw new NoRollbackTargetException($"Model '{name}': '{alias}' has no earlier version to roll back to (it points at version {current}).");
        }

        var change = await SetAliasAsync(name, alias, target.Value, new AliasMove(changedBy, AliasMoveKinds.Rollback, reason, operationId, current), cancellationToken);
        await RecordEventAsync(name, current, "rolled-back", $"'{alias}' rolled back from version {current} to {target} by {changedBy}: {reason}", cancellationToken);
        return change;
    }

    private async Task<AliasChange?> FindAliasMoveAsync(string name, string operationId, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var op = await _table.GetEntityIfExistsAsync<TableEntity>(name, OperationRow(operationId), cancellationToken: cancellationToken);
        if (!op.HasValue || op.Value!.GetString("AliasLog") is not { } logKey)
        {
            return null;
        }

        var log = await _table.GetEntityAsync<TableEntity>(name, logKey, cancellationToken: cancellationToken);
        return FromAliasLog(log.Value);
    }

    /// <summary>One version and its lineage.</summary>
    /// <exception cref="ModelNotFoundException">No such model or version.</exception>
    public async Task<ModelVersionInfo> GetVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateVersion(version);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(name, VersionRow(version), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : throw new ModelNotFoundException($"Model '{name}' has no version {version}.");
    }

    /// <summary>The version an alias points at.</summary>
    /// <exception cref="ModelNotFoundException">No such model, or the alias is not set.</exception>
    /// <exception cref="InvalidRegistryArgumentException">The name or alias is not valid.</exception>
    public async Task<ModelVersionInfo> GetByAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        await GetVersionAsync(name, await GetAliasTargetAsync(name, alias, cancellationToken), cancellationToken);

    /// <summary>The version number an alias points at: one table read.</summary>
    /// <exception cref="ModelNotFoundException">No such model, or the alias is not set.</exception>
    /// <exception cref="InvalidRegistryArgumentException">The name or alias is not valid.</exception>
    public async Task<int> GetAliasTargetAsync(string name, string alias, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(name, AliasRow(alias), select: ["Version"], cancellationToken: cancellationToken);
        return row.HasValue
            ? row.Value!.GetInt32("Version") ?? 0
            : throw new ModelNotFoundException($"Model '{name}' has no '{alias}' alias. Set it with PUT /models/{name}/aliases/{alias}.");
    }

    /// <summary>A model with its versions, aliases and alias history.</summary>
    /// <exception cref="ModelNotFoundException">No such model.</exception>
    public async Task<ModelInfo> GetModelAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        await EnsureProvisionedAsync(cancellationToken);
        TableEntity? model = null;
        var versions = new List<ModelVersionInfo>();
        var aliases = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var routes = new List<AliasRoute>();
        var history = new List<AliasChange>();
        var events = new List<ModelEvent>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == name, cancellationToken: cancellationToken))
        {
            if (row.RowKey == ModelRow)
            {
                model = row;
            }
            else if (row.RowKey.StartsWith("version-", StringComparison.Ordinal))
            {
                versions.Add(FromEntity(row));
            }
            else if (row.RowKey.StartsWith("alias-", StringComparison.Ordinal))
            {
                aliases[row.RowKey["alias-".Length..]] = row.GetInt32("Version") ?? 0;
                if (ToRoute(row) is { IsSplit: true } route)
                {
                    routes.Add(route);
                }
            }
            else if (row.RowKey.StartsWith("aliaslog-", StringComparison.Ordinal))
            {
                history.Add(FromAliasLog(row));
            }
            else if (row.RowKey.StartsWith("event-", StringComparison.Ordinal))
            {
                events.Add(new ModelEvent(row.GetInt32("Version") ?? 0, row.GetString("Kind"), row.GetString("Message"), row.GetDateTimeOffset("At") ?? default));
            }
        }

        if (model is null)
        {
            throw new ModelNotFoundException($"No model named '{name}'.");
        }

        return new ModelInfo(name, model.GetInt32("LatestVersion") ?? 0, model.GetDateTimeOffset("CreatedAt") ?? default, aliases, versions, history, events, routes.Count > 0 ? routes : null);
    }

    /// <summary>Every model's name, latest version and aliases.</summary>
    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var models = new SortedDictionary<string, (int Latest, DateTimeOffset Created, SortedDictionary<string, int> Aliases)>(StringComparer.Ordinal);
        var rows = _table.QueryAsync<TableEntity>(
            e => e.RowKey == ModelRow || (e.RowKey.CompareTo("alias-") >= 0 && e.RowKey.CompareTo("alias.") < 0),
            select: ["PartitionKey", "RowKey", "LatestVersion", "CreatedAt", "Version"],
            cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            if (!models.TryGetValue(row.PartitionKey, out var entry))
            {
                entry = (0, default, new SortedDictionary<string, int>(StringComparer.Ordinal));
            }

            if (row.RowKey == ModelRow)
            {
                entry = (row.GetInt32("LatestVersion") ?? 0, row.GetDateTimeOffset("CreatedAt") ?? default, entry.Aliases);
            }
            else
            {
                entry.Aliases[row.RowKey["alias-".Length..]] = row.GetInt32("Version") ?? 0;
            }

            models[row.PartitionKey] = entry;
        }

        return models.Select(m => new ModelInfo(m.Key, m.Value.Latest, m.Value.Created, m.Value.Aliases, [], [], [])).ToList();
    }

    /// <summary>Records an event in a version's lineage (row <c>event-&lt;ticks&gt;-&lt;id&gt;</c> of the model's partition).</summary>
    public async Task RecordEventAsync(string name, int version, string kind, string message, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateVersion(version);
        await EnsureProvisionedAsync(cancellationToken);
        var now = _clock.GetUtcNow();
        await _table.AddEntityAsync(
            new TableEntity(name, $"event-{now.UtcTicks:D19}-{Guid.NewGuid():N}") { ["Version"] = version, ["Kind"] = kind, ["Message"] = message, ["At"] = now },
            cancellationToken);
    }

    /// <summary>Opens a version's stored artifact for reading (the caller checks its hash).</summary>
    public async Task<Stream> OpenArtifactAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var download = await _artifacts.GetBlobClient(version.Artifact).DownloadStreamingAsync(cancellationToken: cancellationToken);
        return download.Value.Content;
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (_provisioned)
        {
            return;
        }

        await Task.WhenAll(
            _artifacts.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _table.CreateIfNotExistsAsync(cancellationToken));
        _provisioned = true;
    }

    private static string OperationRow(string operationId) => "op-" + operationId;

    private static TableEntity ToEntity(string name, string logKey, AliasChange change) => new(name, logKey)
    {
        ["Alias"] = change.Alias,
        ["Version"] = change.Version,
        ["PreviousVersion"] = change.PreviousVersion,
        ["ChangedAt"] = change.ChangedAt,
        ["ChangedBy"] = change.ChangedBy,
        ["Kind"] = change.Kind,
        ["Reason"] = change.Reason,
        [CanaryVersionColumn] = change.CanaryVersion,
        [CanaryWeightColumn] = change.CanaryWeight,
        [ShadowVersionColumn] = change.ShadowVersion,
    };

    private static AliasChange FromAliasLog(TableEntity row) => new(
        row.GetString("Alias"),
        row.GetInt32("Version") ?? 0,
        row.GetInt32("PreviousVersion"),
        row.GetDateTimeOffset("ChangedAt") ?? default,
        row.GetString("ChangedBy"),
        row.GetString("Kind") ?? AliasMoveKinds.Manual,
        row.GetString("Reason"),
        row.GetInt32(CanaryVersionColumn),
        row.GetDouble(CanaryWeightColumn),
        row.GetInt32(ShadowVersionColumn));

    private static string VersionRow(int version) => "version-" + version.ToString("D10", CultureInfo.InvariantCulture);

    private static string AliasRow(string alias) => "alias-" + alias;

    private static TableEntity ToEntity(ModelVersionInfo info) => new(info.Name, VersionRow(info.Version))
    {
        ["Version"] = info.Version,
        ["Sha256"] = info.Sha256,
        ["SizeBytes"] = info.SizeBytes,
        ["Artifact"] = info.Artifact,
        ["Signature"] = JsonSerializer.Serialize(info.Signature),
        ["RegisteredAt"] = info.RegisteredAt,
        ["Metadata"] = JsonSerializer.Serialize(info.Metadata),
    };

    private static ModelVersionInfo FromEntity(TableEntity row) => new(
        row.PartitionKey,
        row.GetInt32("Version") ?? 0,
        row.GetString("Sha256"),
        row.GetInt64("SizeBytes") ?? 0,
        row.GetString("Artifact"),
        JsonSerializer.Deserialize<ModelSignature>(row.GetString("Signature"))!,
        row.GetDateTimeOffset("RegisteredAt") ?? default,
        JsonSerializer.Deserialize<RegistrationMetadata>(row.GetString("Metadata"))!);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,31}\z")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\z")]
    private static partial Regex ContainerPattern();
}
