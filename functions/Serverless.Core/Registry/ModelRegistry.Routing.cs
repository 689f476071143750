using System.Globalization;
using Azure.Data.Tables;

namespace Serverless.Core.Registry;

/// <summary>
/// Canary and shadow versions of an alias. They live on the alias's own row (same partition), so every change is one
/// table transaction guarded by that row's ETag, together with its entry in the alias history (kinds
/// <see cref="AliasMoveKinds.CanaryStart"/>, <see cref="AliasMoveKinds.CanaryPromotion"/>,
/// <see cref="AliasMoveKinds.CanaryAbort"/>, <see cref="AliasMoveKinds.ShadowStart"/>, <see cref="AliasMoveKinds.ShadowStop"/>).
/// A history entry that does not move the alias has <c>version</c> and <c>previousVersion</c> both at the alias's
/// version, so a rollback's replay of the history is not changed by it.
/// </summary>
public sealed partial class ModelRegistry
{
    private const string CanaryVersionColumn = "CanaryVersion";
    private const string CanaryWeightColumn = "CanaryWeight";
    private const string ShadowVersionColumn = "ShadowVersion";

    /// <summary>Where an alias sends its traffic: its version, canary and shadow. One table read.</summary>
    /// <exception cref="ModelNotFoundException">No such model, or the alias is not set.</exception>
    /// <exception cref="InvalidRegistryArgumentException">The name or alias is not valid.</exception>
    public async Task<AliasRoute> GetAliasRouteAsync(string name, string alias, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        await EnsureProvisionedAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(
            name, AliasRow(alias), select: ["Version", CanaryVersionColumn, CanaryWeightColumn, ShadowVersionColumn], cancellationToken: cancellationToken);
        return row.HasValue
            ? ToRoute(alias, row.Value!)
            : throw new ModelNotFoundException($"Model '{name}' has no '{alias}' alias. Set it with PUT /models/{name}/aliases/{alias}.");
    }

    /// <summary>
    /// Starts (or changes) the alias's canary: <paramref name="weight"/> of its requests go to <paramref name="version"/>
    /// while the alias keeps pointing where it does.
    /// </summary>
    /// <exception cref="InvalidRegistryArgumentException">The weight is not above 0 and below 1, the canary is the alias's own version, or its inputs differ from it.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    public async Task<AliasChange> SetCanaryAsync(string name, string alias, int version, double weight, string changedBy, string? reason, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        ValidateVersion(version);
        if (!double.IsFinite(weight) || weight <= 0 || weight >= 1)
        {
            throw new InvalidRegistryArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"A canary's weight must be above 0 and below 1 (0.1 sends 10% of the requests to the canary), not {weight}. To send it every request, promote it; to send none, abort it."));
        }

        var canary = await GetVersionAsync(name, version, cancellationToken);
        return await UpdateRouteAsync(name, alias, async (row, now) =>
        {
            var main = await FitsAsync(name, alias, row, canary, "canary", cancellationToken);
            row[CanaryVersionColumn] = version;
            row[CanaryWeightColumn] = weight;
            return new AliasChange(alias, main, main, now, changedBy, AliasMoveKinds.CanaryStart, reason, CanaryVersion: version, CanaryWeight: weight);
        }, cancellationToken);
    }

    /// <summary>Makes the alias's canary its version (an alias move, recorded as <see cref="AliasMoveKinds.CanaryPromotion"/>); the canary ends.</summary>
    /// <exception cref="RegistryConflictException">The alias has no canary, or moved meanwhile.</exception>
    public async Task<AliasChange> PromoteCanaryAsync(string name, string alias, string changedBy, string? reason, CancellationToken cancellationToken)
    {
        var route = await GetAliasRouteAsync(name, alias, cancellationToken);
        if (route.CanaryVersion is not int canary)
        {
            throw new RegistryConflictException($"Alias '{alias}' of model '{name}' has no canary to promote: start one with PUT /models/{name}/aliases/{alias}/canary.");
        }

        return await SetAliasAsync(name, alias, canary, new AliasMove(changedBy, AliasMoveKinds.CanaryPromotion, reason, ExpectedVersion: route.Version), cancellationToken);
    }

    /// <summary>Stops the alias's canary: every request goes to the alias's version again.</summary>
    /// <exception cref="RegistryConflictException">The alias has no canary.</exception>
    public Task<AliasChange> AbortCanaryAsync(string name, string alias, string changedBy, string? reason, CancellationToken cancellationToken) =>
        AbortCanaryAsync(name, alias, null, changedBy, reason, null, cancellationToken);

    /// <summary>
    /// Stops the alias's canary if it is still <paramref name="expectedCanary"/>, at most once for
    /// <paramref name="operationId"/> (a repeated call returns the first one's change): what the monitoring guardrail
    /// does to a canary that breached.
    /// </summary>
    /// <exception cref="RegistryConflictException">The alias has no canary, or another one.</exception>
    public Task<AliasChange> AbortCanaryAsync(string name, string alias, int expectedCanary, string changedBy, string? reason, string operationId, CancellationToken cancellationToken) =>
        AbortCanaryAsync(name, alias, (int?)expectedCanary, changedBy, reason, operationId, cancellationToken);

    /// <summary>The alias change an operation made (<see cref="AbortCanaryAsync(string, string, int, string, string?, string, CancellationToken)"/>, <see cref="SetAliasAsync(string, string, int, AliasMove, CancellationToken)"/>, ...), or null when it has not run.</summary>
    public Task<AliasChange?> FindAliasChangeAsync(string name, string operationId, CancellationToken cancellationToken)
    {
        ValidateName(name);
        return FindAliasMoveAsync(name, operationId, cancellationToken);
    }

    private Task<AliasChange> AbortCanaryAsync(string name, string alias, int? expected, string changedBy, string? reason, string? operationId, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        return UpdateRouteAsync(name, alias, (row, now) =>
        {
            if (row.GetInt32(CanaryVersionColumn) is not int canary)
            {
                throw new RegistryConflictException($"Alias '{alias}' of model '{name}' has no canary to abort.");
            }

            if (expected is int wanted && canary != wanted)
            {
                throw new RegistryConflictException($"The canary of alias '{alias}' of model '{name}' is version {canary} now, not version {wanted}; it was left running.");
            }

            int main = row.GetInt32("Version") ?? 0;
            double? weight = row.GetDouble(CanaryWeightColumn);
            row.Remove(CanaryVersionColumn);
            row.Remove(CanaryWeightColumn);
            return Task.FromResult(new AliasChange(alias, main, main, now, changedBy, AliasMoveKinds.CanaryAbort, reason, CanaryVersion: canary, CanaryWeight: weight));
        }, cancellationToken, operationId);
    }

    /// <summary>Sets (or changes) the alias's shadow: <paramref name="version"/> gets a copy of the alias's traffic.</summary>
    /// <exception cref="InvalidRegistryArgumentException">The shadow is the alias's own version, or its inputs differ from it.</exception>
    /// <exception cref="ModelNotFoundException">No such model, version or alias.</exception>
    public async Task<AliasChange> SetShadowAsync(string name, string alias, int version, string changedBy, string? reason, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        ValidateVersion(version);
        var shadow = await GetVersionAsync(name, version, cancellationToken);
        return await UpdateRouteAsync(name, alias, async (row, now) =>
        {
            var main = await FitsAsync(name, alias, row, shadow, "shadow", cancellationToken);
            row[ShadowVersionColumn] = version;
            return new AliasChange(alias, main, main, now, changedBy, AliasMoveKinds.ShadowStart, reason, ShadowVersion: version);
        }, cancellationToken);
    }

    /// <summary>Stops the alias's shadow.</summary>
    /// <exception cref="RegistryConflictException">The alias has no shadow.</exception>
    public Task<AliasChange> RemoveShadowAsync(string name, string alias, string changedBy, string? reason, CancellationToken cancellationToken) =>
        RemoveShadowAsync(name, alias, null, changedBy, reason, null, cancellationToken);

    /// <summary>
    /// Stops the alias's shadow if it is still <paramref name="expectedShadow"/>, at most once for
    /// <paramref name="operationId"/> (a repeated call returns the first one's change): what the monitoring guardrail
    /// does to a shadow that breached.
    /// </summary>
    /// <exception cref="RegistryConflictException">The alias has no shadow, or another one.</exception>
    public Task<AliasChange> RemoveShadowAsync(string name, string alias, int expectedShadow, string changedBy, string? reason, string operationId, CancellationToken cancellationToken) =>
        RemoveShadowAsync(name, alias, (int?)expectedShadow, changedBy, reason, operationId, cancellationToken);

    private Task<AliasChange> RemoveShadowAsync(string name, string alias, int? expected, string changedBy, string? reason, string? operationId, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ValidateAlias(alias);
        return UpdateRouteAsync(name, alias, (row, now) =>
        {
            if (row.GetInt32(ShadowVersionColumn) is not int shadow)
            {
                throw new RegistryConflictException($"Alias '{alias}' of model '{name}' has no shadow to stop.");
            }

            if (expected is int wanted && shadow != wanted)
            {
                throw new RegistryConflictException($"The shadow of alias '{alias}' of model '{name}' is version {shadow} now, not version {wanted}; it was left running.");
            }

            int main = row.GetInt32("Version") ?? 0;
            row.Remove(ShadowVersionColumn);
            return Task.FromResult(new AliasChange(alias, main, main, now, changedBy, AliasMoveKinds.ShadowStop, reason, ShadowVersion: shadow));
        }, cancellationToken, operationId);
    }

    /// <summary>
    /// How <paramref name="candidate"/>'s inputs differ from <paramref name="current"/>'s (a missing or extra input, another
    /// datatype, shape or kind), in a sentence naming the input; null when they are the same.
    /// </summary>
    public static string? SignatureDifference(ModelVersionInfo current, ModelVersionInfo candidate)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        var theirs = candidate.Signature.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var input in current.Signature.Inputs)
        {
            if (!theirs.Remove(input.Name, out var other))
            {
                return $"version {candidate.Version} has no input '{input.Name}', which version {current.Version} takes";
            }

            if (other.Datatype != input.Datatype || other.Kind != input.Kind)
            {
                return $"input '{input.Name}' is {Describe(other)} in version {candidate.Version} but {Describe(input)} in version {current.Version}";
            }

            if (!other.Shape.SequenceEqual(input.Shape))
            {
                return $"input '{input.Name}' has shape [{string.Join(", ", other.Shape)}] in version {candidate.Version} but [{string.Join(", ", input.Shape)}] in version {current.Version}";
            }
        }

        return theirs.Count > 0
            ? $"version {candidate.Version} takes input '{theirs.Keys.Order(StringComparer.Ordinal).First()}', which version {current.Version} does not"
            : null;

        static string Describe(TensorSpec spec) => spec.Kind == "tensor" ? spec.Datatype : $"{spec.Kind} of {spec.Datatype}";
    }

    private static AliasRoute ToRoute(string alias, TableEntity row) => new(
        alias,
        row.GetInt32("Version") ?? 0,
        row.GetInt32(CanaryVersionColumn),
        row.GetInt32(CanaryVersionColumn) is null ? null : row.GetDouble(CanaryWeightColumn),
        row.GetInt32(ShadowVersionColumn));

    private static AliasRoute ToRoute(TableEntity aliasRow) => ToRoute(aliasRow.RowKey["alias-".Length..], aliasRow);

    /// <summary>
    /// Checks that <paramref name="candidate"/> may take a share or a copy of the alias's traffic: not the alias's own
    /// version, and the same inputs. Returns the alias's version.
    /// </summary>
    private async Task<int> FitsAsync(string name, string alias, TableEntity row, ModelVersionInfo candidate, string role, CancellationToken cancellationToken)
    {
        int main = row.GetInt32("Version") ?? 0;
        if (candidate.Version == main)
        {
            throw new InvalidRegistryArgumentException($"Version {main} is what '{alias}' points at already; a {role} must be another version.");
        }

        if (SignatureDifference(await GetVersionAsync(name, main, cancellationToken), candidate) is { } difference)
        {
            throw new InvalidRegistryArgumentException(
                $"Version {candidate.Version} cannot be the {role} of '{alias}' (version {main}): its inputs differ: {difference}. A {role} must take the same inputs, so that it can answer the same requests.");
        }

        return main;
    }

    /// <summary>
    /// Changes the alias row with <paramref name="change"/> (which may throw to refuse) and appends the history entry it
    /// returns, in one transaction guarded by the row's ETag; re-read and retried when another writer was first. With
    /// <paramref name="operationId"/>, the operation is recorded in the same transaction and a repeat returns its change.
    /// </summary>
    private async Task<AliasChange> UpdateRouteAsync(
        string name, string alias, Func<TableEntity, DateTimeOffset, Task<AliasChange>> change, CancellationToken cancellationToken, string? operationId = null)
    {
        await EnsureProvisionedAsync(cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            if (operationId is not null && await FindAliasMoveAsync(name, operationId, cancellationToken) is { } done)
            {
                return done;
            }

            var current = await _table.GetEntityIfExistsAsync<TableEntity>(name, AliasRow(alias), cancellationToken: cancellationToken);
            if (!current.HasValue)
            {
                throw new ModelNotFoundException($"Model '{name}' has no '{alias}' alias. Set it with PUT /models/{name}/aliases/{alias} first.");
            }

            var row = current.Value!;
            var now = _clock.GetUtcNow();
            var made = await change(row, now);
            row["ChangedAt"] = now;
            row["ChangedBy"] = made.ChangedBy;
            string logKey = $"aliaslog-{now.UtcTicks:D19}-{Guid.NewGuid():N}";
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateReplace, row, row.ETag),
                new(TableTransactionActionType.Add, ToEntity(name, logKey, made)),
            ];
            if (operationId is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(name, OperationRow(operationId)) { ["Version"] = made.Version, ["AliasLog"] = logKey }));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return made;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new RegistryConflictException($"Alias '{alias}' of model '{name}' kept changing under {MaxAttempts} attempts; it was not changed. Try again.", ex);
            }
        }
    }

    /// <summary>
    /// Carries the alias's canary and shadow over a move to <paramref name="target"/> on <paramref name="aliasRow"/>:
    /// each stays while it is another version with the same inputs; otherwise it ends, and its end is recorded after the
    /// move (the entries' keys sort after the move's), except a canary that the move promotes.
    /// </summary>
    private async Task<List<TableTransactionAction>> CarryRoutesAsync(
        TableEntity previous, TableEntity aliasRow, ModelVersionInfo target, AliasMove move, string logKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var route = ToRoute(previous);
        var ended = new List<TableTransactionAction>();
        if (route.CanaryVersion is int canary)
        {
            string? unfit = await UnfitAsync(target, canary, cancellationToken);
            if (unfit is null)
            {
                aliasRow[CanaryVersionColumn] = canary;
                aliasRow[CanaryWeightColumn] = route.CanaryWeight;
            }
            else if (move.Kind != AliasMoveKinds.CanaryPromotion)
            {
                var end = new AliasChange(route.Alias, target.Version, target.Version, now, move.ChangedBy, AliasMoveKinds.CanaryAbort,
                    $"Ended by the {move.Kind} of '{route.Alias}' to version {target.Version}: {unfit}.", CanaryVersion: canary, CanaryWeight: route.CanaryWeight);
                ended.Add(new(TableTransactionActionType.Add, ToEntity(target.Name, logKey + "-canary", end)));
            }
        }

        if (route.ShadowVersion is int shadow)
        {
            string? unfit = await UnfitAsync(target, shadow, cancellationToken);
            if (unfit is null)
            {
                aliasRow[ShadowVersionColumn] = shadow;
            }
            else
            {
                var end = new AliasChange(route.Alias, target.Version, target.Version, now, move.ChangedBy, AliasMoveKinds.ShadowStop,
                    $"Ended by the {move.Kind} of '{route.Alias}' to version {target.Version}: {unfit}.", ShadowVersion: shadow);
                ended.Add(new(TableTransactionActionType.Add, ToEntity(target.Name, logKey + "-shadow", end)));
            }
        }

        return ended;
    }

    private async Task<string?> UnfitAsync(ModelVersionInfo target, int other, CancellationToken cancellationToken) =>
        other == target.Version
            ? $"version {other} is now the alias's version"
            : SignatureDifference(target, await GetVersionAsync(target.Name, other, cancellationToken));
}
