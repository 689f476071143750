using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving;
using Serverless.Core.Training;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// Evaluates closed windows (ended at least <see cref="MonitoringOptions.EvaluationDelay"/> ago): each model's windows
/// in order, models side by side. A window is claimed before it is evaluated and completed under that claim, so it is
/// evaluated once however many instances run; one whose evaluator died is taken over after the claim's lease. Then the
/// guardrail: when the production version breached in its policy's number of assessed windows in a row, that model
/// alone is rolled back (once per window, and only while production still points at the version that breached).
/// Counts go to the meter <c>Serverless.Monitoring.Evaluation</c>.
/// </summary>
public sealed partial class MonitoringEvaluator
{
    /// <summary>The meter the evaluation's instruments are published on.</summary>
    public const string MeterName = "Serverless.Monitoring.Evaluation";

    /// <summary>Who the registry records as making the guardrail's rollbacks.</summary>
    public const string GuardrailActor = "monitoring guardrail";

    private readonly MonitoringStore _store;
    private readonly SampleStore _samples;
    private readonly MonitoringBaselineStore _baselines;
    private readonly SpecStore _specs;
    private readonly ModelRegistry _registry;
    private readonly AlertPublisher _publisher;
    private readonly MonitoringOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<MonitoringEvaluator> _logger;
    private readonly AuditLog? _audit;
    private readonly Counter<long> _windows;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _rollbacks;
    private readonly Histogram<double> _psi;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the evaluator.</summary>
    public MonitoringEvaluator(
        MonitoringStore store,
        SampleStore samples,
        MonitoringBaselineStore baselines,
        SpecStore specs,
        ModelRegistry registry,
        AlertPublisher publisher,
        IOptions<MonitoringOptions> options,
        TimeProvider clock,
        ILogger<MonitoringEvaluator> logger,
        IMeterFactory meters,
        AuditLog? audit = null)
    {
        _audit = audit;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _samples = samples;
        _baselines = baselines;
        _specs = specs;
        _registry = registry;
        _publisher = publisher;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _windows = meter.CreateCounter<long>("serverless.monitoring.windows.evaluated", "{window}", "Model windows evaluated.");
        _alerts = meter.CreateCounter<long>("serverless.monitoring.alerts", "{alert}", "Alerts raised, by model, version, kind and severity.");
        _rollbacks = meter.CreateCounter<long>("serverless.monitoring.guardrail.rollbacks", "{rollback}", "Models the guardrail rolled back.");
        _psi = meter.CreateHistogram(
            "serverless.monitoring.drift.psi", null, "PSI of each feature and of the predictions per evaluated window, by model, version and feature.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2, 5] });
        _duration = meter.CreateHistogram(
            "serverless.monitoring.evaluation.duration", "s", "Time to evaluate one model window.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <summary>Evaluates every window that is due.</summary>
    public async Task<EvaluationRun> EvaluateDueAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var pending = await _store.ListPendingAsync(cancellationToken);
        var due = pending.Where(w => w.Start + _options.WindowLength + _options.EvaluationDelay <= now).ToList();
        int evaluated = 0, skipped = 0, failed = 0, alerts = 0, rollbacks = 0;
        await Parallel.ForEachAsync(
            due.GroupBy(w => w.Model, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = _options.EvaluationConcurrency, CancellationToken = cancellationToken },
            async (model, token) =>
            {
                // In order: a window's control-chart rules and guardrail count read the windows before it.
                foreach (var window in model.OrderBy(w => w.Start))
                {
                    try
                    {
                        var result = await EvaluateWindowAsync(window, token);
                        if (result is null)
                        {
                            Interlocked.Increment(ref skipped);
                            continue;
                        }

                        Interlocked.Increment(ref evaluated);
                        Interlocked.Add(ref alerts, result.Alerts.Count);
                        Interlocked.Add(ref rollbacks, result.Alerts.Count(a => a.Kind == AlertKinds.GuardrailRollback));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                        LogWindowFailed(window.Model, window.Start, ex);
                        break;
                    }
                }
            });
        if (evaluated + failed > 0)
        {
            LogRun(evaluated, failed, alerts, rollbacks);
        }

        return new EvaluationRun(evaluated, skipped, failed, pending.Count - due.Count, alerts, rollbacks);
    }

    /// <summary>Evaluates one window unless it was evaluated already or is being evaluated elsewhere (then null).</summary>
    public async Task<WindowEvaluation?> EvaluateWindowAsync(SampleWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        long started = Stopwatch.GetTimestamp();
        var claim = await _store.TryClaimAsync(window, cancellationToken);
        if (!claim.Claimed)
        {
            if (claim.Done)
            {
                await _store.RemovePendingAsync(window, cancellationToken);
            }

            return null;
        }

        var policy = await PolicyAsync(window.Model, cancellationToken);
        var samples = await _samples.ReadWindowAsync(window.Model, window.Start, cancellationToken);
        var baselines = new Dictionary<int, MonitoringBaseline?>();
        foreach (int version in samples.Select(s => s.Version).Distinct())
        {
            baselines[version] = await _baselines.FindAsync(window.Model, version, cancellationToken);
        }

        var history = await _store.HistoryAsync(window.Model, window.Start, _options.HistoryWindows, cancellationToken);
        var end = window.Start + _options.WindowLength;
        var evaluation = WindowEvaluator.Evaluate(
            window.Model, window.Start, end, _clock.GetUtcNow(), samples, policy, baselines, history.SelectMany(h => h.Charts).ToList());
        var guardrail = await GuardAsync(evaluation, policy, history, cancellationToken);
        evaluation = evaluation with { Alerts = [.. evaluation.Alerts, .. guardrail] };

        // Alerts before completion: a crash in between evaluates the window again and writes the same alerts again.
        await _store.PutAlertsAsync(evaluation.Alerts, cancellationToken);
        await _publisher.PublishAsync(evaluation.Alerts, cancellationToken);
        if (!await _store.CompleteAsync(evaluation, claim.ETag!.Value, cancellationToken))
        {
            return null;
        }

        await _store.RemovePendingAsync(window, cancellationToken);
        Record(evaluation, Stopwatch.GetElapsedTime(started));
        return evaluation;
    }

    private async Task<MonitoringPolicy> PolicyAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return MonitoringPolicy.For((await _specs.GetAsync(model, null, cancellationToken)).Spec, _options);
        }
        catch (SpecNotFoundException)
        {
            return MonitoringPolicy.For(null, _options);
        }
    }

    private async Task<List<MonitoringAlert>> GuardAsync(WindowEvaluation evaluation, MonitoringPolicy policy, IReadOnlyList<WindowSummary> history, CancellationToken cancellationToken)
    {
        var actions = new List<MonitoringAlert>();
        foreach (var version in evaluation.Versions.Where(v => v.Breached))
        {
            // Assessed windows only: one with too few samples neither breaks nor extends a run of breaches.
            // A version's answers as a shadow are a run of their own: they never count towards its served run, nor the reverse.
            int run = 1 + history.AsEnumerable().Reverse()
                .Select(h => h.Versions.FirstOrDefault(o => o.Version == version.Version && o.Shadow == version.Shadow))
                .Where(o => o is { Assessed: true })
                .TakeWhile(o => o!.Breached)
                .Count();
            if (run < policy.GuardrailWindows)
            {
                continue;
            }

            var evidence = evaluation.Alerts.Where(a => a.Version == version.Version && a.Shadow == version.Shadow && a.Severity == MonitoringAlert.Critical).Select(a => a.Evidence).ToList();
            var inputs = version.DataDrift.Where(d => d.Drifted).Select(d => d.Feature).Distinct(StringComparer.Ordinal).ToList();
            string upstream = inputs.Count == 0 ? string.Empty
                : $" Its inputs drifted too ({string.Join(", ", inputs)}): if the data feeding it changed, the earlier version may fare no better; check the source.";
            string why = $"version {version.Version}{(version.Shadow ? " (as a shadow)" : string.Empty)} breached in {run} evaluated windows in a row (guardrail: {policy.GuardrailWindows}); latest: {string.Join(" ", evidence)}{upstream}";
            if (version.Shadow)
            {
                // A shadow's answers never reach a caller: its breach stops that shadow alone and never moves an alias.
                if (await EndRouteAsync(evaluation, policy, version.Version, shadow: true, why, cancellationToken) is { } stopped)
                {
                    actions.Add(stopped);
                }

                continue;
            }

            // A rollback this window already made (the evaluation was retried after a crash) is carried on, not skipped,
            // so that its audit entry and its alert are written once.
            string operation = GuardrailOperation(evaluation.WindowStart, version.Version);
            bool resumed = false;
            if (await ProductionAsync(evaluation.Model, cancellationToken) != version.Version)
            {
                resumed = policy.GuardrailAction != GuardrailActions.Alert && await _registry.FindOperationAsync(evaluation.Model, operation, cancellationToken) is not null;
                if (!resumed)
                {
                    // Not production: if it is an alias's canary, that canary alone is aborted.
                    if (await EndRouteAsync(evaluation, policy, version.Version, shadow: false, why, cancellationToken) is { } aborted)
                    {
                        actions.Add(aborted);
                    }

                    continue;
                }
            }

            if (policy.GuardrailAction == GuardrailActions.Alert)
            {
                actions.Add(Action(evaluation, version.Version, AlertKinds.GuardrailHeld, $"Not rolled back, as its guardrail action is \"alert\": {why}"));
                continue;
            }

            try
            {
                var change = await _registry.RollbackAsync(
                    evaluation.Model, InferenceService.ServingAlias, GuardrailActor, why, version.Version, operation, cancellationToken);
                if (!resumed)
                {
                    _rollbacks.Add(1, new TagList { { "model", evaluation.Model }, { "version", version.Version } });
                    LogRolledBack(evaluation.Model, version.Version, change.Version, run);
                }

                if (_audit is not null)
                {
                    await _audit.AppendAsync(new AuditEntry(Actor.Platform("monitoring guardrail"), AuditActions.GuardrailRollback, evaluation.Model, version.Version, InferenceService.ServingAlias, null,
                        version.Version.ToString(CultureInfo.InvariantCulture), change.Version.ToString(CultureInfo.InvariantCulture), why, change.ChangedAt, operation, AuditOutcomes.Succeeded, null), operation, cancellationToken);
                }

                actions.Add(Action(evaluation, version.Version, AlertKinds.GuardrailRollback,
                    $"Rolled back: production moved from version {version.Version} to version {change.Version}, and no other model was touched. Why: {why}"));
            }
            catch (NoRollbackTargetException ex)
            {
                actions.Add(Action(evaluation, version.Version, AlertKinds.GuardrailHeld, $"Not rolled back: {ex.Message} Why it would be: {why}"));
            }
            catch (RegistryConflictException ex)
            {
                actions.Add(Action(evaluation, version.Version, AlertKinds.GuardrailHeld, $"Not rolled back: {ex.Message}"));
            }
        }

        return actions;
    }

    /// <summary>
    /// The operation id the guardrail rolls <paramref name="version"/> back under for the window at
    /// <paramref name="windowStart"/>; with <paramref name="role"/> (<c>canary</c>, <c>shadow</c>), the one it ends that
    /// canary or shadow under.
    /// </summary>
    internal static string GuardrailOperation(DateTimeOffset windowStart, int version, string? role = null) =>
        $"guardrail-{windowStart.UtcDateTime:yyyyMMddTHHmmss}-v{version}{(role is null ? string.Empty : "-" + role)}";

    /// <summary>
    /// The guardrail's action on a canary or shadow version that breached: the alias whose canary (or shadow) it is has
    /// that canary aborted (or that shadow stopped), alone, recorded in its alias history by <see cref="GuardrailActor"/>
    /// with the reason and in the audit log; the alias keeps its version and no other alias or model is touched. Held
    /// under the policy <c>alert</c>. Null when the version is no alias's canary (or shadow), e.g. already ended.
    /// </summary>
    private async Task<MonitoringAlert?> EndRouteAsync(WindowEvaluation evaluation, MonitoringPolicy policy, int version, bool shadow, string why, CancellationToken cancellationToken)
    {
        string role = shadow ? "shadow" : "canary";
        string operation = GuardrailOperation(evaluation.WindowStart, version, role);
        var change = await _registry.FindAliasChangeAsync(evaluation.Model, operation, cancellationToken);
        if (change is null)
        {
            AliasRoute? route;
            try
            {
                route = (await _registry.GetModelAsync(evaluation.Model, cancellationToken)).Routes?
                    .FirstOrDefault(r => (shadow ? r.ShadowVersion : r.CanaryVersion) == version);
            }
            catch (ModelNotFoundException)
            {
                return null;
            }

            if (route is null)
            {
                return null;
            }

            if (policy.GuardrailAction == GuardrailActions.Alert)
            {
                return Action(evaluation, version, AlertKinds.GuardrailHeld,
                    $"Not ended, as its guardrail action is \"alert\": version {version} stays the {role} of '{route.Alias}'. Why it would be: {why}", role, shadow);
            }

            try
            {
                change = shadow
                    ? await _registry.RemoveShadowAsync(evaluation.Model, route.Alias, version, GuardrailActor, why, operation, cancellationToken)
                    : await _registry.AbortCanaryAsync(evaluation.Model, route.Alias, version, GuardrailActor, why, operation, cancellationToken);
            }
            catch (RegistryConflictException ex)
            {
                return Action(evaluation, version, AlertKinds.GuardrailHeld, $"Not ended: {ex.Message}", role, shadow);
            }

            LogRouteEnded(evaluation.Model, role, version, change.Alias);
        }

        if (_audit is not null)
        {
            await _audit.AppendAsync(new AuditEntry(Actor.Platform("monitoring guardrail"), shadow ? AuditActions.ShadowStop : AuditActions.CanaryAbort, evaluation.Model, version, change.Alias, null,
                $"{role} version {version.ToString(CultureInfo.InvariantCulture)}", null, why, change.ChangedAt, operation, AuditOutcomes.Succeeded, null), operation, cancellationToken);
        }

        return shadow
            ? Action(evaluation, version, AlertKinds.GuardrailShadowStop,
                $"Shadow stopped: version {version} no longer answers copies of '{change.Alias}''s requests; '{change.Alias}' still serves version {change.Version} and no other alias or model was touched. Why: {why}", role, shadow)
            : Action(evaluation, version, AlertKinds.GuardrailCanaryAbort,
                $"Canary aborted: every request to '{change.Alias}' goes to version {change.Version} again, and no other alias or model was touched. Why: {why}", role, shadow);
    }

    private static MonitoringAlert Action(WindowEvaluation evaluation, int version, string kind, string evidence, string subject = "production", bool shadow = false) =>
        new(WindowEvaluator.AlertId(evaluation.Model, evaluation.WindowStart, version, kind, subject, shadow), evaluation.Model, version,
            evaluation.WindowStart, evaluation.WindowEnd, kind, MonitoringAlert.Critical, subject, null, null,
            $"Model '{evaluation.Model}': {evidence}", evaluation.EvaluatedAt, shadow);

    private async Task<int?> ProductionAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await _registry.GetAliasTargetAsync(model, InferenceService.ServingAlias, cancellationToken);
        }
        catch (ModelNotFoundException)
        {
            return null;
        }
    }

    private void Record(WindowEvaluation evaluation, TimeSpan elapsed)
    {
        _windows.Add(1, new TagList { { "model", evaluation.Model } });
        _duration.Record(elapsed.TotalSeconds, new TagList { { "model", evaluation.Model } });
        foreach (var alert in evaluation.Alerts)
        {
            _alerts.Add(1, new TagList { { "model", alert.Model }, { "version", alert.Version }, { "kind", alert.Kind }, { "severity", alert.Severity } });
            LogAlert(alert.Model, alert.Version, alert.Kind, alert.Evidence);
        }

        foreach (var version in evaluation.Versions)
        {
            foreach (var psi in version.DataDrift.Concat(version.PredictionDrift).Where(d => d.Test == Statistics.DriftTestNames.Psi && d.Statistic is not null))
            {
                _psi.Record(psi.Statistic!.Value, new TagList { { "model", evaluation.Model }, { "version", version.Version }, { "feature", psi.Feature } });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitoring evaluated {Evaluated} windows ({Failed} failed), raised {Alerts} alerts, rolled back {Rollbacks} models")]
    private partial void LogRun(int evaluated, int failed, int alerts, int rollbacks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluating window {WindowStart} of model {Model} failed; it stays pending and is retried on the next run")]
    private partial void LogWindowFailed(string model, DateTimeOffset windowStart, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Monitoring alert for model {Model} version {Version} ({Kind}): {Evidence}")]
    private partial void LogAlert(string model, int version, string kind, string evidence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Guardrail ended the {Role} version {Version} of model {Model}'s alias {Alias}")]
    private partial void LogRouteEnded(string model, string role, int version, string alias);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Guardrail rolled model {Model} back from version {FromVersion} to {ToVersion} after {Windows} breached windows")]
    private partial void LogRolledBack(string model, int fromVersion, int toVersion, int windows);
}
