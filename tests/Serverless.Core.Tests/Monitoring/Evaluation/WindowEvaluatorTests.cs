using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Monitoring.Evaluation;

public sealed class WindowEvaluatorTests
{
    private static readonly DateTimeOffset Start = MonitoringScenario.Start;
    private static readonly MonitoringPolicy Policy = MonitoringPolicy.For(null, new MonitoringOptions());

    private static WindowEvaluation Evaluate(IReadOnlyList<PredictionSample> samples, IReadOnlyList<ControlChartPoint>? history = null, MonitoringPolicy? policy = null) =>
        WindowEvaluator.Evaluate("loans", Start, Start.AddMinutes(5), Start.AddMinutes(6), samples, policy ?? Policy,
            new Dictionary<int, MonitoringBaseline?> { [1] = MonitoringScenario.Baseline("loans") }, history ?? []);

    [Fact]
    public void Evaluate_TrafficLikeTraining_NoAlertAndChartsInControl()
    {
        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 10, Start));

        Assert.Empty(evaluation.Alerts);
        var version = Assert.Single(evaluation.Versions);
        Assert.False(version.Breached);
        Assert.Equal(500, version.Samples);
        Assert.Equal(500, version.Labelled);
        Assert.Equal(["income", "age", "late", "employment"], version.DataDrift.Select(d => d.Feature).Distinct());
        Assert.Contains(version.DataDrift, d => d.Feature == "late" && d.Evidence.StartsWith("two-sample KS", StringComparison.Ordinal));
        Assert.All(version.DataDrift, d => Assert.False(d.Drifted, d.Evidence));
        Assert.Equal([ControlCharts.PredictionMean, ControlCharts.PositiveRate, ControlCharts.ErrorRate], version.Charts.Select(c => c.Chart));
        Assert.All(version.Charts, c => Assert.Empty(c.Violations));
        Assert.Equal(0.2, version.Performance["errorRate"], 3);
        Assert.Contains("own", version.Baseline, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ShadowOfTheSameVersionWithMovedScores_OwnStreamBreachesServedStreamUntouched()
    {
        var served = MonitoringScenario.Samples("loans", 1, 500, seed: 10, Start);
        var shadow = MonitoringScenario.Samples("loans", 1, 500, seed: 31, Start, scoreMean: 0.7).ConvertAll(s => s with { Shadow = true });
        var history = new List<ControlChartPoint> { new(ControlCharts.PositiveRate, 1, 0.9, 0.2, 0.1, 0.3, 0.02, 500, [], Shadow: true) };
        var alone = Evaluate(served);

        var evaluation = Evaluate([.. served, .. shadow], history);

        Assert.Equal([(1, false), (1, true)], evaluation.Versions.Select(v => (v.Version, v.Shadow)));
        var servedStream = evaluation.Versions[0];
        Assert.False(servedStream.Breached);
        Assert.Equal(500, servedStream.Samples);
        Assert.Equal(alone.Versions.Single().Charts.Select(c => (c.Chart, c.Value, c.Violations.Count)), servedStream.Charts.Select(c => (c.Chart, c.Value, c.Violations.Count)));
        Assert.All(servedStream.Charts, c => Assert.False(c.Shadow));
        var shadowStream = evaluation.Versions[1];
        Assert.True(shadowStream.Breached);
        Assert.All(shadowStream.Charts, c => Assert.True(c.Shadow));
        Assert.NotEmpty(evaluation.Alerts);
        Assert.All(evaluation.Alerts, a => Assert.True(a.Shadow));
        Assert.All(evaluation.Alerts, a => Assert.Contains("/v1-shadow/", a.Id, StringComparison.Ordinal));
        Assert.All(evaluation.Alerts, a => Assert.Contains("version 1 (as a shadow)", a.Evidence, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_OneFeatureShifted_DataDriftAlertNamesThatFeatureOnly()
    {
        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 20, Start, incomeShift: 8));

        var alert = Assert.Single(evaluation.Alerts);
        Assert.Equal(AlertKinds.DataDrift, alert.Kind);
        Assert.Equal(MonitoringAlert.Warning, alert.Severity);
        Assert.Equal("income", alert.Subject);
        Assert.Equal(1, alert.Version);
        Assert.Contains("'income'", alert.Evidence, StringComparison.Ordinal);
        Assert.Contains("PSI", alert.Evidence, StringComparison.Ordinal);
        Assert.True(alert.Statistic > alert.Threshold);
        Assert.Equal("loans/20261127T100000/v1/data-drift/income", alert.Id);

        // Input drift alone does not breach: rolling the model back would not change its inputs.
        Assert.False(Assert.Single(evaluation.Versions).Breached);
    }

    [Fact]
    public void Evaluate_ScoresMoved_PredictionDriftAndPositiveRateBeyondLimitsBreach()
    {
        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 30, Start, scoreMean: 0.7));

        var version = Assert.Single(evaluation.Versions);
        Assert.True(version.Breached);
        Assert.Contains(evaluation.Alerts, a => a.Kind == AlertKinds.PredictionDrift && a.Severity == MonitoringAlert.Critical && a.Subject == "prediction");
        var positiveRate = Assert.Single(evaluation.Alerts, a => a.Kind == AlertKinds.ControlLimit && a.Subject == ControlCharts.PositiveRate);
        var point = version.Charts.Single(c => c.Chart == ControlCharts.PositiveRate);
        Assert.True(point.Value > point.Upper);
        Assert.Equal(point.Upper, positiveRate.Threshold);
        Assert.Contains("above the upper control limit", positiveRate.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PredictionsMovedLessThanThePsiThreshold_KsAloneIsAWarning()
    {
        var lenient = MonitoringPolicy.For(new ModelSpec("binary", null, null, Monitoring: new MonitoringSpec(PsiThreshold: 10)), new MonitoringOptions());

        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 35, Start, scoreMean: 0.5), policy: lenient);

        var alert = Assert.Single(evaluation.Alerts, a => a.Kind == AlertKinds.PredictionDrift);
        Assert.Equal(MonitoringAlert.Warning, alert.Severity);
        Assert.Contains("KS", alert.Evidence, StringComparison.Ordinal);
        Assert.True(alert.Statistic < alert.Threshold, "a KS alert quotes its p-value against the p-value threshold");
    }

    [Fact]
    public void Evaluate_ErrorRateUp_ErrorRateChartSignals()
    {
        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 40, Start, wrongShare: 0.5));

        var point = Assert.Single(evaluation.Versions).Charts.Single(c => c.Chart == ControlCharts.ErrorRate);
        Assert.Equal(0.5, point.Value, 3);
        Assert.Equal(0.2, point.CentreLine);
        Assert.NotEmpty(point.Violations);
        Assert.Contains(evaluation.Alerts, a => a.Subject == ControlCharts.ErrorRate);
    }

    [Fact]
    public void Evaluate_SmallShiftWithinLimits_TwoOfThreeBeyondTwoSigmaCatchesIt()
    {
        // A window between 2σ and 3σ above the centre line: in control alone, a signal after another such window.
        var shifted = MonitoringScenario.Samples("loans", 1, 500, seed: 51, Start, scoreMean: 0.335);
        var alone = Evaluate(shifted).Versions[0].Charts.Single(c => c.Chart == ControlCharts.PositiveRate);
        Assert.InRange(alone.Z, 2, 3);
        Assert.Empty(alone.Violations);

        var previous = new ControlChartPoint(ControlCharts.PositiveRate, 1, 0.35, 0.1, 0, 0.4, 0.1, 100, []);
        var caught = Evaluate(shifted, [previous]).Versions[0].Charts.Single(c => c.Chart == ControlCharts.PositiveRate);

        var violation = Assert.Single(caught.Violations);
        Assert.Contains("2 of the last 3 windows beyond 2σ above the centre line", violation, StringComparison.Ordinal);

        // Another version's points are another chart.
        var other = previous with { Version = 2 };
        Assert.Empty(Evaluate(shifted, [other]).Versions[0].Charts.Single(c => c.Chart == ControlCharts.PositiveRate).Violations);
    }

    [Fact]
    public void Evaluate_VersionWithoutBaseline_NotedAndNeverBreached()
    {
        var samples = MonitoringScenario.Samples("loans", 7, 500, seed: 60, Start, scoreMean: 0.9);

        var evaluation = WindowEvaluator.Evaluate("loans", Start, Start.AddMinutes(5), Start.AddMinutes(6), samples, Policy,
            new Dictionary<int, MonitoringBaseline?> { [7] = null }, []);

        var version = Assert.Single(evaluation.Versions);
        Assert.False(version.Breached);
        Assert.False(version.Assessed);
        Assert.Null(version.Baseline);
        Assert.Contains(version.Notes, n => n.StartsWith("no baseline", StringComparison.Ordinal));
        Assert.Empty(evaluation.Alerts);
        Assert.True(version.Performance.ContainsKey("accuracy"));
    }

    [Fact]
    public void Evaluate_InheritedBaseline_SaysSoAndHoldsTheVersionToIt()
    {
        var samples = MonitoringScenario.Samples("loans", 2, 500, seed: 70, Start, scoreMean: 0.7);

        var evaluation = WindowEvaluator.Evaluate("loans", Start, Start.AddMinutes(5), Start.AddMinutes(6), samples, Policy,
            new Dictionary<int, MonitoringBaseline?> { [2] = MonitoringScenario.Baseline("loans", version: 1) }, []);

        var version = Assert.Single(evaluation.Versions);
        Assert.StartsWith("inherited from version 1", version.Baseline, StringComparison.Ordinal);
        Assert.True(version.Breached);
        Assert.All(evaluation.Alerts, a => Assert.Equal(2, a.Version));
    }

    [Fact]
    public void Evaluate_FewerSamplesThanTheMinimum_NotAssessed()
    {
        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 20, seed: 80, Start, scoreMean: 0.9));

        var version = Assert.Single(evaluation.Versions);
        Assert.False(version.Assessed);
        Assert.False(version.Breached);
        Assert.Contains(version.Notes, n => n.Contains("20 samples, 50 needed", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SpecThresholds_Apply()
    {
        var strict = MonitoringPolicy.For(
            new ModelSpec("binary", null, null, Monitoring: new MonitoringSpec(PsiThreshold: 0.001, PValueThreshold: 0.5)),
            new MonitoringOptions());

        var evaluation = Evaluate(MonitoringScenario.Samples("loans", 1, 500, seed: 90, Start, incomeShift: 1), policy: strict);

        Assert.Contains(evaluation.Alerts, a => a.Kind == AlertKinds.DataDrift && a.Subject == "income" && a.Threshold == 0.001);
    }
}
