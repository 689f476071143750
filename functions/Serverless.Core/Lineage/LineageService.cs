using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Lineage;

/// <summary>Puts a version's lineage together from the registry, the retraining line's review and the data snapshot.</summary>
public sealed class LineageService(ModelRegistry registry, RetrainingRunStore runs, SpecStore specs, DatasetStore datasets)
{
    /// <summary>The whole chain for one version.</summary>
    /// <exception cref="ModelNotFoundException">No such model or version.</exception>
    public async Task<VersionLineage> GetAsync(string model, int version, CancellationToken cancellationToken)
    {
        var info = await registry.GetModelAsync(model, cancellationToken);
        var registration = info.Versions.FirstOrDefault(v => v.Version == version)
            ?? throw new ModelNotFoundException($"Model '{model}' has no version {version}.");
        var review = await runs.GetReviewAsync(model, version, cancellationToken);
        var training = registration.Metadata.Training ?? review?.Training;
        var dataset = training is null
            ? null
            : await datasets.FindSnapshotAsync(training.DatasetId, (await specs.GetAsync(model, training.SpecVersion, cancellationToken)).Spec, training.DatasetSource, cancellationToken);
        var history = info.AliasHistory.Where(c => c.Version == version || c.PreviousVersion == version || c.CanaryVersion == version || c.ShadowVersion == version).OrderBy(c => c.ChangedAt).ToList();
        string status = review?.Status ?? "registered";
        if (status == "promoted" && history.LastOrDefault(c => c.Alias == Orchestrations.Retraining.RetrainingActivities.ProductionAlias) is { Kind: AliasMoveKinds.Rollback } last && last.PreviousVersion == version)
        {
            status = "rolled-back";
        }

        return new VersionLineage(
            model,
            version,
            status,
            registration,
            training,
            dataset,
            review,
            [.. info.Aliases.Where(a => a.Value == version).Select(a => a.Key)],
            history,
            [.. info.Events.Where(e => e.Version == version).OrderBy(e => e.At)],
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/models/{model}/versions/{version}/importance"));
    }
}
