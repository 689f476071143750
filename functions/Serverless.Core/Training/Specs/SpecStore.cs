using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;

namespace Serverless.Core.Training.Specs;

/// <summary>
/// Model specs in Table Storage: one partition per model, a row per version and a head row holding the latest. A new
/// version and the head move in one transaction guarded by the head's ETag, so concurrent writers never leave a gap
/// or a duplicate version, and the same spec written twice is stored once.
/// </summary>
public sealed class SpecStore
{
    private const string HeadRow = "spec";
    private const int MaxAttempts = 50;

    // Table Storage keeps at most 32K UTF-16 characters in a string property.
    private const int MaxSpecChars = 32_000;
    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private readonly TrainingOptions _options;
    private volatile bool _provisioned;

    /// <summary>Creates the store over the platform's table client.</summary>
    public SpecStore(TableServiceClient tables, TimeProvider clock, IOptions<TrainingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _table = tables.GetTableClient(_options.SpecTable);
        _clock = clock;
    }

    /// <summary>
    /// Stores <paramref name="spec"/> as the next version of <paramref name="model"/>'s spec; when the latest version
    /// has the same hash, returns it unchanged (<see cref="StoredSpec.Created"/> false).
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The model name is not valid.</exception>
    /// <exception cref="InvalidSpecException">The spec is not valid; every error is listed.</exception>
    /// <exception cref="RegistryConflictException">Other writers kept changing the model's specs; nothing was stored.</exception>
    public async Task<StoredSpec> PutAsync(string model, ModelSpec spec, string createdBy, CancellationToken cancellationToken)
    {
        ModelRegistry.ValidateName(model);
        ArgumentNullException.ThrowIfNull(spec);
        ThrowIfInvalid(spec);
        string json = CanonicalJson.Serialize(spec);
        string sha256 = CanonicalJson.Sha256(spec);
        await EnsureProvisionedAsync(cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            var head = await _table.GetEntityIfExistsAsync<TableEntity>(model, HeadRow, cancellationToken: cancellationToken);
            if (head.HasValue && head.Value!.GetString("Sha256") == sha256)
            {
                return FromEntity(head.Value!, created: false);
            }

            int version = head.HasValue ? (head.Value!.GetInt32("Version") ?? 0) + 1 : 1;
            var stored = new StoredSpec(model, version, sha256, spec, _clock.GetUtcNow(), createdBy, Created: true);
            var headRow = ToEntity(stored, HeadRow, json);
            TableTransactionAction[] actions =
            [
                head.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, headRow, head.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, headRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(stored, VersionRow(version), json)),
            ];
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return stored;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer took this number first: read the new head and try again.
                await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 10)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new RegistryConflictException($"The spec of model '{model}' kept changing under {MaxAttempts} attempts to store a new version; nothing was stored. Try again.", ex);
            }
        }
    }

    /// <summary>A version of a model's spec, or the latest when <paramref name="version"/> is null.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The model name or version is not valid.</exception>
    /// <exception cref="SpecNotFoundException">The model has no spec, or not that version.</exception>
    public async Task<StoredSpec> GetAsync(string model, int? version, CancellationToken cancellationToken)
    {
        ModelRegistry.ValidateName(model);
        if (version is { } number)
        {
            ModelRegistry.ValidateVersion(number);
        }

        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(model, version is { } v ? VersionRow(v) : HeadRow, cancellationToken: cancellationToken);
        if (row.HasValue)
        {
            return FromEntity(row.Value!, created: false);
        }

        throw version is null
            ? new SpecNotFoundException($"Model '{model}' has no spec. Create one with PUT /specs/{model}.")
            : new SpecNotFoundException($"Model '{model}' has no spec version {version}. GET /specs/{model} shows the latest.");
    }

    /// <summary>The latest spec of every model that has one, by model name.</summary>
    public async Task<IReadOnlyList<StoredSpec>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        var specs = new List<StoredSpec>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.RowKey == HeadRow, cancellationToken: cancellationToken))
        {
            specs.Add(FromEntity(row, created: false));
        }

        return specs.OrderBy(s => s.Model, StringComparer.Ordinal).ToList();
    }

    private void ThrowIfInvalid(ModelSpec spec)
    {
        var errors = ModelSpecValidator.Validate(spec).ToList();
        if (spec.Data?.Source is { } source && ModelSpecValidator.SourceProblem(source) is null)
        {
            string container = source[..source.IndexOf('/', StringComparison.Ordinal)];
            var allowed = _options.DataContainerList;
            if (!allowed.Contains(container, StringComparer.Ordinal))
            {
                errors.Add(new SpecError("data.source", $"Training data is read only from the container(s) {string.Join(", ", allowed.Select(c => $"'{c}'"))} (Training__DataContainers), not '{container}'."));
            }
        }

        int length = CanonicalJson.Serialize(spec).Length;
        if (length > MaxSpecChars)
        {
            errors.Add(new SpecError(string.Empty, $"The spec is {length} characters as JSON; at most {MaxSpecChars} are stored."));
        }

        if (errors.Count > 0)
        {
            throw new InvalidSpecException(errors);
        }
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (!_provisioned)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _provisioned = true;
        }
    }

    private static string VersionRow(int version) => "version-" + version.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(StoredSpec spec, string rowKey, string json) => new(spec.Model, rowKey)
    {
        ["Version"] = spec.Version,
        ["Sha256"] = spec.Sha256,
        ["Spec"] = json,
        ["CreatedAt"] = spec.CreatedAt,
        ["CreatedBy"] = spec.CreatedBy,
    };

    private static StoredSpec FromEntity(TableEntity row, bool created) => new(
        row.PartitionKey,
        row.GetInt32("Version") ?? 0,
        row.GetString("Sha256"),
        JsonSerializer.Deserialize<ModelSpec>(row.GetString("Spec"))!,
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetString("CreatedBy"),
        created);
}
