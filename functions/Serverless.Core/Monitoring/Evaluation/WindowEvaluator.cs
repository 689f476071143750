using System.Globalization;
using System.Text.Json;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// Evaluates one model's window from its samples, per version that answered in it: data drift per feature and
/// prediction drift against the version's baseline, performance on the labelled samples, and control-chart points with
/// run rules over the version's earlier points. A version's answers as a shadow are evaluated apart from its served
/// answers (their own drift, charts and chart history), so neither stream's findings count for the other. Pure:
/// storage is the caller's.
/// </summary>
internal static class WindowEvaluator
{
    /// <summary>Evaluates the window [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="start">The window's start.</param>
    /// <param name="end">The window's end.</param>
    /// <param name="now">When it is evaluated.</param>
    /// <param name="samples">The window's samples.</param>
    /// <param name="policy">The model's monitoring policy.</param>
    /// <param name="baselines">Per version in the samples, its baseline (own or inherited), or null when it has none.</param>
    /// <param name="history">The model's earlier chart points, oldest first.</param>
    public static WindowEvaluation Evaluate(
        string model,
        DateTimeOffset start,
        DateTimeOffset end,
        DateTimeOffset now,
        IReadOnlyList<PredictionSample> samples,
        MonitoringPolicy policy,
        IReadOnlyDictionary<int, MonitoringBaseline?> baselines,
        IReadOnlyList<ControlChartPoint> history)
    {
        var versions = new List<VersionEvaluation>();
        var alerts = new List<MonitoringAlert>();
        foreach (var group in samples.GroupBy(s => (s.Version, s.Shadow)).OrderBy(g => g.Key.Version).ThenBy(g => g.Key.Shadow))
        {
            var baseline = baselines.GetValueOrDefault(group.Key.Version);
            var evaluation = EvaluateVersion(group.Key.Version, group.Key.Shadow, [.. group], policy, baseline, history);
            versions.Add(evaluation);
            alerts.AddRange(Alerts(model, start, end, now, evaluation));
        }

        return new WindowEvaluation(model, start, end, now, samples.Count, versions, alerts);
    }

    private static VersionEvaluation EvaluateVersion(
        int version, bool shadow, List<PredictionSample> samples, MonitoringPolicy policy, MonitoringBaseline? baseline, IReadOnlyList<ControlChartPoint> history)
    {
        history = [.. history.Where(p => p.Shadow == shadow)];
        var notes = new List<string>();
        string task = policy.Task ?? baseline?.Task ?? InferTask(samples);
        var labelled = samples.Where(s => s.Actual is { ValueKind: not JsonValueKind.Null }).ToList();
        var performance = Performance(task, labelled, policy.PositiveLabels);
        if (labelled.Count == 0)
        {
            notes.Add("no ground truth yet: performance not measured (POST /models/{name}/feedback)");
        }

        if (baseline is null)
        {
            notes.Add($"no baseline: version {version} was not evaluated by the retraining line, nor was an earlier version, so drift and control charts are not computed");
            return new VersionEvaluation(version, samples.Count, labelled.Count, null, [], [], performance, [], false, notes, shadow);
        }

        string described = baseline.Version == version
            ? $"version {version}'s own ({baseline.Source})"
            : $"inherited from version {baseline.Version} ({baseline.Source}), as version {version} has none of its own";
        if (samples.Count < policy.Drift.MinimumSampleSize)
        {
            notes.Add($"{samples.Count} samples, {policy.Drift.MinimumSampleSize} needed: drift and control charts not computed for this window");
            return new VersionEvaluation(version, samples.Count, labelled.Count, described, [], [], performance, [], false, notes, shadow);
        }

        var dataDrift = baseline.Features.SelectMany(feature => FeatureDrift(feature, samples, policy.Drift, Reference(baseline, feature.Name))).ToList();
        var predictionDrift = new List<DriftResult>();
        var charts = new List<ControlChartPoint>();
        if (baseline.Predictions is { } predictions)
        {
            // Read once: the drift test and two of the charts use every sample's score.
            var scores = samples.Select(s => Score(task, s, policy)).ToList();
            predictionDrift.AddRange(PredictionDrift(baseline, samples, scores, policy));
            charts.AddRange(Charts(task, version, predictions, [.. scores.OfType<double>()], labelled, policy, history).Select(c => c with { Shadow = shadow }));
        }
        else
        {
            notes.Add("the baseline has no predictions: prediction drift and control charts not computed");
        }

        bool breached = predictionDrift.Any(SizeableDrift) || charts.Any(c => c.Violations.Count > 0);
        return new VersionEvaluation(version, samples.Count, labelled.Count, described, dataDrift, predictionDrift, performance, charts, breached, notes, shadow);
    }

    private static string InferTask(List<PredictionSample> samples)
    {
        var outputs = samples[0].Outputs;
        return PredictionReader.PositiveProbability(outputs, []) is not null && PredictionReader.Label(outputs) is not null ? ModelTasks.Binary
            : PredictionReader.Label(outputs) is not null ? ModelTasks.Multiclass
            : ModelTasks.Regression;
    }

    private static IReadOnlyList<double>? Reference(MonitoringBaseline baseline, string name) => baseline.References?.GetValueOrDefault(name);

    private static IReadOnlyList<DriftResult> FeatureDrift(FeatureBaseline feature, List<PredictionSample> samples, DriftOptions options, IReadOnlyList<double>? reference)
    {
        if (feature.Type == FeatureTypes.Categorical)
        {
            return DriftDetector.Evaluate(feature, samples.Select(s => Input(s, feature.Name) is { } v ? PredictionReader.Text(v) : string.Empty).ToList(), options);
        }

        return DriftDetector.Evaluate(feature, samples.Select(s => Input(s, feature.Name) is { } v && PredictionReader.Number(v) is { } n ? (float)n : float.NaN).ToList(), options, reference);
    }

    private static JsonElement? Input(PredictionSample sample, string feature) =>
        sample.Inputs.ValueKind == JsonValueKind.Object && sample.Inputs.TryGetProperty(feature, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static IReadOnlyList<DriftResult> PredictionDrift(MonitoringBaseline baseline, List<PredictionSample> samples, List<double?> scores, MonitoringPolicy policy) =>
        baseline.Predictions!.Distribution.Type == FeatureTypes.Categorical
            ? DriftDetector.Evaluate(baseline.Predictions.Distribution, samples.Select(s => PredictionReader.Label(s.Outputs) ?? string.Empty).ToList(), policy.Drift)
            : DriftDetector.Evaluate(baseline.Predictions.Distribution, scores.Select(v => v is { } score ? (float)score : float.NaN).ToList(), policy.Drift,
                Reference(baseline, PredictionBaseline.FeatureName));

    private static double? Score(string task, PredictionSample sample, MonitoringPolicy policy) =>
        task == ModelTasks.Binary ? PredictionReader.PositiveProbability(sample.Outputs, policy.PositiveLabels)?.Probability : PredictionReader.Value(sample.Outputs);

    private static List<ControlChartPoint> Charts(
        string task, int version, PredictionBaseline baseline, List<double> scores, List<PredictionSample> labelled, MonitoringPolicy policy, IReadOnlyList<ControlChartPoint> history)
    {
        var points = new List<ControlChartPoint>();
        double k = policy.ControlLimitSigma;
        if (task is ModelTasks.Binary or ModelTasks.Regression && baseline.Distribution is { Mean: { } mean, StandardDeviation: { } sd })
        {
            if (scores.Count >= policy.Drift.MinimumSampleSize)
            {
                points.Add(Point(ControlCharts.PredictionMean, version, scores.Average(), ControlLimits.FromMean(mean, sd, k, scores.Count), scores.Count, history));
            }
        }

        if (task == ModelTasks.Binary && baseline.PositiveRate is { } positiveRate)
        {
            if (scores.Count >= policy.Drift.MinimumSampleSize)
            {
                double rate = scores.Count(p => p >= 0.5) / (double)scores.Count;
                points.Add(Point(ControlCharts.PositiveRate, version, rate, ControlLimits.FromProportion(positiveRate, scores.Count, k), scores.Count, history));
            }
        }

        if (task != ModelTasks.Regression && baseline.ErrorRate is { } errorRate)
        {
            var judged = labelled.Select(s => PredictionReader.Label(s.Outputs) is { } predicted ? predicted != PredictionReader.Text(s.Actual!.Value) : (bool?)null).OfType<bool>().ToList();
            if (judged.Count >= policy.Drift.MinimumSampleSize)
            {
                double rate = judged.Count(wrong => wrong) / (double)judged.Count;
                points.Add(Point(ControlCharts.ErrorRate, version, rate, ControlLimits.FromProportion(errorRate, judged.Count, k), judged.Count, history));
            }
        }

        return points;
    }

    private static ControlChartPoint Point(string chart, int version, double value, ControlLimits limits, int count, IReadOnlyList<ControlChartPoint> history)
    {
        var point = new ControlChartPoint(chart, version, value, limits.CentreLine, limits.Lower, limits.Upper, limits.Sigma, count, []);

        // Limits differ per window with the sample count, so the rules run on each point's distance in its own sigmas.
        var series = history.Where(p => p.Chart == chart && p.Version == version).Select(p => p.Z).Append(point.Z).ToList();
        var violations = RunRules.Evaluate(new ControlLimits(0, 1, limits.K), series)
            .Where(v => v.Index == series.Count - 1)
            .Select(v => Describe(v.Rule, point, limits.K))
            .ToList();
        return point with { Violations = violations };
    }

    private static string Describe(ControlRule rule, ControlChartPoint point, double k)
    {
        string where = point.Value > point.CentreLine ? "above" : "below";
        return rule switch
        {
            ControlRule.BeyondLimits => $"{where} the {(where == "above" ? "upper" : "lower")} control limit ({Number(k)}σ)",
            ControlRule.TwoOfThreeBeyondTwoSigma => $"2 of the last 3 windows beyond 2σ {where} the centre line",
            ControlRule.FourOfFiveBeyondOneSigma => $"4 of the last 5 windows beyond 1σ {where} the centre line",
            _ => $"{RunRules.DefaultRunLength} windows in a row {where} the centre line",
        };
    }

    private static Dictionary<string, double> Performance(string task, List<PredictionSample> labelled, IReadOnlyList<string> positive)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (labelled.Count == 0)
        {
            return metrics;
        }

        if (task == ModelTasks.Regression)
        {
            var pairs = labelled.Select(s => (Predicted: PredictionReader.Value(s.Outputs), Actual: PredictionReader.Number(s.Actual!.Value)))
                .Where(p => p.Predicted is not null && p.Actual is not null).Select(p => p.Predicted!.Value - p.Actual!.Value).ToList();
            if (pairs.Count > 0)
            {
                metrics[MetricNames.Rmse] = Math.Sqrt(pairs.Average(e => e * e));
                metrics[MetricNames.Mae] = pairs.Average(Math.Abs);
            }

            return metrics;
        }

        var judged = labelled.Select(s => (Predicted: PredictionReader.Label(s.Outputs), Actual: PredictionReader.Text(s.Actual!.Value))).Where(p => p.Predicted is not null).ToList();
        if (judged.Count > 0)
        {
            double accuracy = judged.Count(p => p.Predicted == p.Actual) / (double)judged.Count;
            metrics[MetricNames.Accuracy] = accuracy;
            metrics["errorRate"] = 1 - accuracy;
        }

        if (task == ModelTasks.Binary)
        {
            var scored = labelled.Select(s => (Score: PredictionReader.PositiveProbability(s.Outputs, positive), Actual: PredictionReader.Text(s.Actual!.Value)))
                .Where(p => p.Score is { Key: not null }).ToList();
            var labels = scored.Select(p => p.Actual == p.Score!.Value.Key ? 1f : 0f).ToArray();
            var scores = scored.Select(p => p.Score!.Value.Probability).ToArray();
            if (MetricCalculator.Auc(labels, scores, [.. Enumerable.Range(0, labels.Length)]) is { } auc)
            {
                metrics[MetricNames.Auc] = auc;
            }
        }

        return metrics;
    }

    private static IEnumerable<MonitoringAlert> Alerts(string model, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, VersionEvaluation version)
    {
        MonitoringAlert Alert(string kind, string severity, string subject, double? statistic, double? threshold, string evidence) =>
            new(AlertId(model, start, version.Version, kind, subject, version.Shadow), model, version.Version, start, end, kind, severity, subject, statistic, threshold,
                $"Model '{model}' version {version.Version}{(version.Shadow ? " (as a shadow)" : string.Empty)}, window {start:yyyy-MM-ddTHH:mm:ss}Z to {end:HH:mm:ss}Z: {evidence}", now, version.Shadow);

        foreach (var feature in version.DataDrift.Where(d => d.Drifted).GroupBy(d => d.Feature, StringComparer.Ordinal))
        {
            var lead = Lead([.. feature]);
            yield return Alert(AlertKinds.DataDrift, MonitoringAlert.Warning, feature.Key, Reading(lead), lead.Threshold,
                $"feature '{feature.Key}' drifted from its training distribution: {string.Join("; ", feature.Select(d => d.Evidence))}.");
        }

        if (version.PredictionDrift.Any(d => d.Drifted))
        {
            var drifted = version.PredictionDrift.Where(d => d.Drifted).ToList();
            var lead = Lead(drifted);
            yield return Alert(AlertKinds.PredictionDrift, drifted.Any(SizeableDrift) ? MonitoringAlert.Critical : MonitoringAlert.Warning, PredictionBaseline.FeatureName, Reading(lead), lead.Threshold,
                $"its predictions drifted from their distribution on the holdout at training time: {string.Join("; ", drifted.Select(d => d.Evidence))}.");
        }

        foreach (var point in version.Charts.Where(c => c.Violations.Count > 0))
        {
            double limit = point.Value > point.CentreLine ? point.Upper : point.Lower;
            yield return Alert(AlertKinds.ControlLimit, MonitoringAlert.Critical, point.Chart, point.Value, limit,
                $"{point.Chart} {Number(point.Value)} over {point.Count} values (centre line {Number(point.CentreLine)}, limits {Number(point.Lower)} to {Number(point.Upper)}): {string.Join("; ", point.Violations)}.");
        }
    }

    /// <summary>
    /// Whether a drift is large as well as unlikely: PSI measures how far the distribution moved, where a test's p-value
    /// only says a move is real (with many samples a harmless one is). Only these breach, which keeps false rollbacks rare.
    /// </summary>
    private static bool SizeableDrift(DriftResult result) => result.Drifted && result.Test == DriftTestNames.Psi;

    /// <summary>The test an alert quotes: PSI when it fired, else the first that did.</summary>
    private static DriftResult Lead(IReadOnlyList<DriftResult> drifted) =>
        drifted.FirstOrDefault(d => d.Test == DriftTestNames.Psi && d.Drifted) ?? drifted.First(d => d.Drifted);

    /// <summary>What a test's threshold is held against: PSI itself, a KS or chi-square test's p-value.</summary>
    private static double? Reading(DriftResult result) => result.Test == DriftTestNames.Psi ? result.Statistic : result.PValue;

    /// <summary>The id of an alert: the same finding gets the same id.</summary>
    public static string AlertId(string model, DateTimeOffset start, int version, string kind, string subject, bool shadow = false) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{start.UtcDateTime:yyyyMMddTHHmmss}/v{version}{(shadow ? "-shadow" : string.Empty)}/{kind}/{subject}");

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
