using System.Globalization;
using System.Reflection;
using Serverless.Core.Explanations;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Gates;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>
/// The retraining line's steps, each an activity of <see cref="RetrainingWorkflow"/>. Every one can run again (a
/// retry, a replay after a crash) without a second effect: the candidate is registered under the operation
/// <c>retrain-{instance}</c>, production moves under <c>promote-{instance}</c>, and the records are overwritten whole.
/// </summary>
public sealed class RetrainingActivities
{
    /// <summary>The alias the line promotes.</summary>
    public const string ProductionAlias = "production";

    private static readonly string CodeVersion =
        typeof(RetrainingActivities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly SpecStore _specs;
    private readonly DatasetStore _datasets;
    private readonly ModelTrainer _trainer;
    private readonly ModelEvaluator _evaluator;
    private readonly ModelRegistry _registry;
    private readonly ArtifactStore _artifacts;
    private readonly RetrainingRunStore _runs;
    private readonly MonitoringBaselineStore _baselines;
    private readonly TimeProvider _clock;
    private readonly AuditLog? _audit;
    private readonly ExplanationService? _explanations;

    // The review keeps the most important inputs only: it is one table property, and an approver reads the top.
    private const int ReviewedFeatures = 20;

    internal RetrainingActivities(
        SpecStore specs,
        DatasetStore datasets,
        ModelTrainer trainer,
        ModelEvaluator evaluator,
        ModelRegistry registry,
        ArtifactStore artifacts,
        RetrainingRunStore runs,
        MonitoringBaselineStore baselines,
        TimeProvider clock,
        AuditLog? audit = null,
        ExplanationService? explanations = null)
    {
        _audit = audit;
        _explanations = explanations;
        _baselines = baselines;
        _clock = clock;
        _specs = specs;
        _datasets = datasets;
        _trainer = trainer;
        _evaluator = evaluator;
        _registry = registry;
        _artifacts = artifacts;
        _runs = runs;
    }

    /// <summary>Freezes the data content-addressed and profiles it through the spec.</summary>
    public async Task<DatasetSnapshot> SnapshotAsync(RetrainingStepInput run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = await _specs.GetAsync(run.Input.Model, run.Input.SpecVersion, cancellationToken);
        return await _datasets.SnapshotAsync(spec.Spec, run.Input.Data, cancellationToken);
    }

    /// <summary>Trains and registers the candidate, or picks the externally registered one.</summary>
    public async Task<CandidateInfo> TrainAsync(RetrainingStepInput run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var dataset = run.Dataset ?? throw new ArgumentException("The train step needs the data snapshot.", nameof(run));
        string model = run.Input.Model;
        var spec = await _specs.GetAsync(model, run.Input.SpecVersion, cancellationToken);
        if (spec.Spec.Trainer?.Name == TrainerCatalog.External)
        {
            int version = await ChooseExternalCandidateAsync(model, run.Input.CandidateVersion, cancellationToken);
            var external = Lineage(run, spec, dataset, TrainerCatalog.External, new Dictionary<string, double>(), null);
            await PutReviewAsync(model, version, existing => Mine(existing, run) ?? new CandidateReview("candidate", run.InstanceId, external), cancellationToken);
            return new CandidateInfo(version, TrainerCatalog.External, 0);
        }

        string operation = "retrain-" + run.InstanceId;
        if (await _registry.FindOperationAsync(model, operation, cancellationToken) is int registered)
        {
            // A retry of a step that registered before it could report: no second version.
            var review = await _runs.GetReviewAsync(model, registered, cancellationToken);
            var done = await _registry.GetVersionAsync(model, registered, cancellationToken);
            var lineage = review?.Training ?? done.Metadata.Training!;
            await PutReviewAsync(model, registered, existing => Mine(existing, run) ?? new CandidateReview("candidate", run.InstanceId, lineage), cancellationToken);
            return new CandidateInfo(registered, lineage.Trainer, lineage.TrainingSeconds ?? 0);
        }

        var table = await _datasets.LoadAsync(dataset, spec.Spec, cancellationToken);
        var (train, holdout) = HoldoutSplit.Split(table, ModelSpecDefaults.HoldoutFraction(spec.Spec), ModelSpecDefaults.Seed(spec.Spec));
        var trained = _trainer.Train(train, spec.Spec, cancellationToken);
        var training = Lineage(run, spec, dataset, trained.Trainer, trained.Hyperparameters, trained.Duration.TotalSeconds);

        // The holdout metrics go with the version, as a data scientist's registration would carry them; the evaluate
        // step measures the stored artifact again beside the champion.
        var metadata = new RegistrationMetadata(
            $"retraining {run.InstanceId}",
            $"Trained by the retraining line ({trained.Trainer}) from spec version {spec.Version}.",
            $"dataset:{dataset.Id}",
            _evaluator.Evaluate(trained.Onnx, holdout, spec.Spec.Task!, cancellationToken).Metrics,
            training);
        using var onnx = new MemoryStream(trained.Onnx, writable: false);
        var info = await _registry.RegisterAsync(model, onnx, metadata, operation, cancellationToken);
        await PutReviewAsync(model, info.Version, existing => Mine(existing, run) ?? new CandidateReview("candidate", run.InstanceId, training), cancellationToken);
        return new CandidateInfo(info.Version, trained.Trainer, trained.Duration.TotalSeconds);
    }

    /// <summary>Evaluates the candidate and the production version on the same holdout.</summary>
    public async Task<EvaluationStepResult> EvaluateAsync(RetrainingStepInput run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var dataset = run.Dataset ?? throw new ArgumentException("The evaluate step needs the data snapshot.", nameof(run));
        int candidateVersion = run.CandidateVersion ?? throw new ArgumentException("The evaluate step needs the candidate.", nameof(run));
        string model = run.Input.Model;
        var spec = await _specs.GetAsync(model, run.Input.SpecVersion, cancellationToken);
        string task = spec.Spec.Task!;
        var table = await _datasets.LoadAsync(dataset, spec.Spec, cancellationToken);
        var (_, holdout) = HoldoutSplit.Split(table, ModelSpecDefaults.HoldoutFraction(spec.Spec), ModelSpecDefaults.Seed(spec.Spec));

        var candidatePath = await _artifacts.GetPathAsync(await _registry.GetVersionAsync(model, candidateVersion, cancellationToken), cancellationToken);
        EvaluationReport candidate;
        try
        {
            candidate = _evaluator.Evaluate(candidatePath, holdout, task, cancellationToken);
        }
        catch (ModelIncompatibleException ex)
        {
            throw new RetrainingException($"Candidate version {candidateVersion} cannot be evaluated on this data: {ex.Message}");
        }

        // What monitoring holds the candidate's live traffic against, should it reach production.
        var references = holdout.Numeric.ToDictionary(c => c.Name, c => MonitoringBaseline.Reference(c.Values.Select(v => (double)v)), StringComparer.Ordinal);
        if (candidate.Predictions?.Values is { } predicted)
        {
            references[PredictionBaseline.FeatureName] = MonitoringBaseline.Reference(predicted);
        }

        await _baselines.PutAsync(
            new MonitoringBaseline(model, candidateVersion, task, $"retraining {run.InstanceId}, dataset {dataset.Id[..12]}, spec version {spec.Version}",
                dataset.Baseline, candidate.Predictions, _clock.GetUtcNow(), references),
            cancellationToken);

        await RecordImportanceAsync(model, candidateVersion, cancellationToken);

        int? championVersion = await ProductionVersionAsync(model, cancellationToken);
        if (championVersion is null)
        {
            return new EvaluationStepResult(candidate, null, null, "no production version to compare against");
        }

        if (championVersion == candidateVersion)
        {
            return new EvaluationStepResult(candidate, null, championVersion, $"the candidate, version {candidateVersion}, is already production");
        }

        var championPath = await _artifacts.GetPathAsync(await _registry.GetVersionAsync(model, championVersion.Value, cancellationToken), cancellationToken);
        try
        {
            return new EvaluationStepResult(candidate, _evaluator.Evaluate(championPath, holdout, task, cancellationToken), championVersion, null);
        }
        catch (ModelIncompatibleException ex)
        {
            return new EvaluationStepResult(candidate, null, championVersion, $"production version {championVersion} cannot take this data ({ex.Message}); not compared");
        }
    }

    /// <summary>Applies the spec's gates and records the verdict; a failed candidate is marked rejected, never removed.</summary>
    public async Task<GateReport> ApplyGatesAsync(GateStepInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = input.Run;
        string model = run.Input.Model;
        int version = run.CandidateVersion ?? throw new ArgumentException("The gates step needs the candidate.", nameof(input));
        var spec = await _specs.GetAsync(model, run.Input.SpecVersion, cancellationToken);
        var evaluation = input.Evaluation;
        var report = GateEvaluator.Evaluate(spec.Spec, evaluation.Candidate, evaluation.Champion);
        if (evaluation is { Champion: null, ChampionVersion: not null, ChampionNote: { } note })
        {
            // There is a production version, but it could not be compared: say so rather than "no production version".
            report = report with
            {
                Results = [.. report.Results.Select(r => r.Gate.StartsWith("regression", StringComparison.Ordinal) ? r with { Message = "not compared: " + note } : r)],
            };
        }

        string? reason = report.Passed ? null : string.Join(" ", report.Failures);
        bool newlyRejected = false;
        await PutReviewAsync(model, version, existing =>
        {
            if (existing is { Status: "approved" or "promoted" })
            {
                // A late duplicate of this step: the run has moved on.
                return existing;
            }

            newlyRejected = !report.Passed && existing?.Status != "rejected";
            return Require(existing, version) with
            {
                Status = report.Passed ? "candidate" : "rejected",
                Candidate = evaluation.Candidate,
                Champion = evaluation.Champion,
                ChampionVersion = evaluation.ChampionVersion,
                ChampionNote = evaluation.ChampionNote,
                Gates = report,
                Reason = reason,
            };
        }, cancellationToken);
        if (newlyRejected)
        {
            await _registry.RecordEventAsync(model, version, "rejected", $"Rejected by its gates in retraining {run.InstanceId}: {reason}", cancellationToken);
        }

        return report;
    }

    /// <summary>Records a reviewer's (or the timeout's) decision on the candidate.</summary>
    public async Task RecordApprovalAsync(ApprovalStepInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        string model = input.Run.Input.Model;
        int version = input.Run.CandidateVersion ?? throw new ArgumentException("The approval step needs the candidate.", nameof(input));
        var decision = input.Decision;
        bool newlyRejected = false;
        await PutReviewAsync(model, version, existing =>
        {
            if (existing is { Status: "promoted" })
            {
                return existing;
            }

            newlyRejected = !decision.Approved && existing?.Status != "rejected";
            return Require(existing, version) with
            {
                Status = decision.Approved ? "approved" : "rejected",
                Approval = decision,
                Reason = decision.Approved ? null : $"rejected by {decision.By}: {decision.Reason}",
            };
        }, cancellationToken);
        if (newlyRejected)
        {
            await _registry.RecordEventAsync(model, version, "rejected", $"Rejected by {decision.By} in retraining {input.Run.InstanceId}: {decision.Reason}", cancellationToken);
        }
    }

    /// <summary>
    /// Moves production to the candidate, once per retraining; refused when the run was terminated or production moved
    /// since the candidate was compared with it.
    /// </summary>
    public async Task<AliasChange> PromoteAsync(RetrainingStepInput run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        string model = run.Input.Model;
        int version = run.CandidateVersion ?? throw new ArgumentException("The promote step needs the candidate.", nameof(run));
        string operation = "promote-" + run.InstanceId;
        var review = Mine(await _runs.GetReviewAsync(model, version, cancellationToken), run);
        bool first = await _registry.FindOperationAsync(model, operation, cancellationToken) is null;
        if (first)
        {
            if ((await _runs.GetAsync(model, run.InstanceId, cancellationToken)).Outcome == RetrainingOutcomes.Terminated)
            {
                throw new RetrainingException($"Retraining {run.InstanceId} was terminated; version {version} is not promoted.");
            }

            int? production = await ProductionVersionAsync(model, cancellationToken);
            if (production != review?.ChampionVersion)
            {
                throw new RetrainingException(
                    $"Production moved from {Describe(review?.ChampionVersion)} to {Describe(production)} after the candidate was compared with it; version {version} is not promoted. Start a new retraining to compare against the current production version.");
            }
        }

        string by = review?.Approval is { Approved: true } approval ? approval.By : $"retraining {run.InstanceId}";
        var change = await _registry.SetAliasAsync(
            model,
            ProductionAlias,
            version,
            new AliasMove(by, AliasMoveKinds.Promotion, $"retraining {run.InstanceId}", operation),
            cancellationToken);
        await PutReviewAsync(model, version, existing => Require(existing, version) with { Status = "promoted" }, cancellationToken);
        // Under the promotion's operation id, also when the promotion was done by an attempt that died before auditing it.
        if (_audit is not null)
        {
            await _audit.AppendAsync(new AuditEntry(Actor.Platform("retraining"), AuditActions.RetrainingPromote, model, version, ProductionAlias, run.InstanceId,
                change.PreviousVersion?.ToString(CultureInfo.InvariantCulture), change.Version.ToString(CultureInfo.InvariantCulture), $"approved by {by}", change.ChangedAt, run.InstanceId, AuditOutcomes.Succeeded, null), operation, cancellationToken);
        }

        return change;
    }

    /// <summary>Records how the run ended and frees the model for its next retraining.</summary>
    public async Task FinishAsync(FinishStepInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = input.Run;
        if (input.Result.Outcome == RetrainingOutcomes.Failed && run.CandidateVersion is int version)
        {
            await PutReviewAsync(run.Input.Model, version, existing => existing is null || existing.Status != "candidate"
                ? existing!
                : existing with { Status = "failed", Reason = input.Result.Reason }, cancellationToken);
        }

        await _runs.FinishAsync(run.Input.Model, run.InstanceId, input.Result, cancellationToken);
    }

    /// <summary>
    /// Computes the candidate's global feature importance against the baseline just stored and keeps it with its review,
    /// so the approver's read is cheap and the same every time. A model that cannot be explained is noted, not failed.
    /// </summary>
    private async Task RecordImportanceAsync(string model, int version, CancellationToken cancellationToken)
    {
        if (_explanations is null)
        {
            return;
        }

        GlobalImportance? importance = null;
        string? note = null;
        try
        {
            importance = (await _explanations.ComputeImportanceAsync(await _registry.GetVersionAsync(model, version, cancellationToken), cancellationToken)).Top(ReviewedFeatures);
        }
        catch (ExplanationUnavailableException ex)
        {
            note = ex.Message;
        }

        await PutReviewAsync(model, version, existing => Require(existing, version) with { Importance = importance, ImportanceNote = note }, cancellationToken);
    }

    private async Task<int?> ProductionVersionAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await _registry.GetAliasTargetAsync(model, ProductionAlias, cancellationToken);
        }
        catch (ModelNotFoundException)
        {
            return null;
        }
    }

    private async Task<int> ChooseExternalCandidateAsync(string model, int? requested, CancellationToken cancellationToken)
    {
        ModelInfo info;
        try
        {
            info = await _registry.GetModelAsync(model, cancellationToken);
        }
        catch (ModelNotFoundException)
        {
            throw new RetrainingException($"Model '{model}' has no registered version to evaluate: its trainer is 'external', so register the candidate first (POST /models/{model}/versions).");
        }

        int version = requested ?? info.LatestVersion;
        if (info.Versions.All(v => v.Version != version))
        {
            throw new RetrainingException($"Model '{model}' has no version {version} to evaluate.");
        }

        if (requested is null && info.Aliases.TryGetValue(ProductionAlias, out int production) && production == version)
        {
            throw new RetrainingException($"Model '{model}''s latest version {version} is already production: register the new candidate first, or name it with \"candidateVersion\".");
        }

        return version;
    }

    private async Task PutReviewAsync(string model, int version, Func<CandidateReview?, CandidateReview> change, CancellationToken cancellationToken)
    {
        var existing = await _runs.GetReviewAsync(model, version, cancellationToken);
        var updated = change(existing);
        if (updated is not null && !Equals(updated, existing))
        {
            await _runs.PutReviewAsync(model, version, updated, cancellationToken);
        }
    }

    private static string Describe(int? version) => version is int v ? $"version {v}" : "none";

    // A review written by another run (an earlier judgement of the same external version) is not this run's.
    private static CandidateReview? Mine(CandidateReview? review, RetrainingStepInput run) =>
        review is not null && review.InstanceId == run.InstanceId ? review : null;

    private static CandidateReview Require(CandidateReview? review, int version) =>
        review ?? throw new RetrainingException($"Version {version} has no review record; the train step writes it first.");

    private static TrainingLineage Lineage(
        RetrainingStepInput run, StoredSpec spec, DatasetSnapshot dataset, string trainer, IReadOnlyDictionary<string, double> hyperparameters, double? seconds) =>
        new(run.InstanceId, dataset.Id, dataset.Source, spec.Version, spec.Sha256, trainer, hyperparameters, CodeVersion, seconds);
}
