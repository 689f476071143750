using System.Text.Json.Serialization;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Lineage;

/// <summary>
/// Everything that led to a model version and happened to it since: its artifact, the data and spec it was trained
/// from, the trainer and code, candidate and champion metrics, gates, approval, and every alias move and event.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Status">What the retraining line decided (<c>candidate</c>, <c>rejected</c>, <c>approved</c>, <c>promoted</c>, <c>failed</c>), <c>rolled-back</c> for a promoted version production was rolled back from, or <c>registered</c> for a version the line never judged.</param>
/// <param name="Registration">The registry's record: hash, size, signature, who registered it and what they said.</param>
/// <param name="Training">Data, spec, trainer, hyperparameters, code version and orchestration instance.</param>
/// <param name="Dataset">The data snapshot with its schema and baseline statistics.</param>
/// <param name="Review">Candidate and champion metrics on the same holdout, gates, approval, rejection reason.</param>
/// <param name="Aliases">The aliases that point at it now.</param>
/// <param name="AliasHistory">Every alias move to or from it: promotions, rollbacks, manual moves, with who and why.</param>
/// <param name="Events">Events recorded against it (rejections, rollbacks, integrity failures).</param>
/// <param name="ImportanceUrl">
/// Where its global feature importance is read (every input; the review keeps the most important ones, computed when the
/// retraining line evaluated it).
/// </param>
public sealed record VersionLineage(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("registration")] ModelVersionInfo Registration,
    [property: JsonPropertyName("training")] TrainingLineage? Training,
    [property: JsonPropertyName("dataset")] DatasetSnapshot? Dataset,
    [property: JsonPropertyName("review")] CandidateReview? Review,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("aliasHistory")] IReadOnlyList<AliasChange> AliasHistory,
    [property: JsonPropertyName("events")] IReadOnlyList<ModelEvent> Events,
    [property: JsonPropertyName("importanceUrl")] string? ImportanceUrl = null);
