using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Gates;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Training.Gates;

public sealed class GateEvaluatorTests
{
    [Fact]
    public void Evaluate_MinimumMet_Passes()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(Minimum: Limits(("auc", 0.85)))), Binary(auc: 0.9), null);

        var gate = Single(report, "minimum:auc");
        Assert.True(gate.Passed);
        Assert.Equal((0.9, 0.85), (gate.Value, gate.Threshold));
        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_MinimumMissed_FailsWithASentence()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(Minimum: Limits(("auc", 0.95)))), Binary(auc: 0.912), null);

        Assert.False(report.Passed);
        Assert.Equal(["auc 0.912 is below the minimum 0.95"], report.Failures);
    }

    [Fact]
    public void Evaluate_MaximumExceeded_Fails()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(Maximum: Limits(("logLoss", 0.3)))), Binary(logLoss: 0.41), null);

        Assert.Equal(["logLoss 0.41 is above the maximum 0.3"], report.Failures);
    }

    [Fact]
    public void Evaluate_MaximumKept_Passes()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(Maximum: Limits(("logLoss", 0.5)))), Binary(logLoss: 0.41), null);

        Assert.True(Single(report, "maximum:logLoss").Passed);
    }

    [Fact]
    public void Evaluate_MetricTheReportLacks_FailsSayingSo()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(Minimum: Limits(("r2", 0.5)))), Binary(), null);

        var gate = Single(report, "minimum:r2");
        Assert.False(gate.Passed);
        Assert.Contains("r2 is not in the candidate's evaluation", gate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoChampion_PassesTheRegressionGateSayingWhy()
    {
        var report = GateEvaluator.Evaluate(Spec(null), Binary(), null);

        var gate = Single(report, "regression");
        Assert.True(gate.Passed);
        Assert.Equal("no production version to compare against", gate.Message);
    }

    [Fact]
    public void Evaluate_DefaultRegression_FailsWhenThePrimaryMetricGetsWorse()
    {
        var report = GateEvaluator.Evaluate(Spec(null), Binary(auc: 0.90), Binary(auc: 0.91));

        var gate = Single(report, "regression:auc");
        Assert.False(gate.Passed);
        Assert.Equal("auc 0.9 is 0.01 worse than production's 0.91; it may not be worse", gate.Message);
    }

    [Fact]
    public void Evaluate_DefaultRegression_PassesWhenEqual()
    {
        var report = GateEvaluator.Evaluate(Spec(null), Binary(auc: 0.91), Binary(auc: 0.91));

        Assert.True(Single(report, "regression:auc").Passed);
        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_RegressionWithinTolerance_Passes()
    {
        var report = GateEvaluator.Evaluate(Spec(new GateSpec(MaxRegression: Limits(("auc", 0.02)))), Binary(auc: 0.90), Binary(auc: 0.91));

        Assert.True(Single(report, "regression:auc").Passed);
    }

    [Fact]
    public void Evaluate_RegressionOfALowerIsBetterMetric_ComparesTheOtherWay()
    {
        var spec = new ModelSpec(ModelTasks.Regression, null, null, new GateSpec(MaxRegression: Limits(("rmse", 0.1))));
        EvaluationReport Rmse(double value) => new(10, new Dictionary<string, double> { ["rmse"] = value }, new Dictionary<string, IReadOnlyDictionary<string, GroupMetrics>>(), new Dictionary<string, FairnessMetrics>());

        Assert.True(GateEvaluator.Evaluate(spec, Rmse(1.0), Rmse(1.5)).Passed);
        Assert.True(GateEvaluator.Evaluate(spec, Rmse(1.05), Rmse(1.0)).Passed);
        var failed = GateEvaluator.Evaluate(spec, Rmse(1.2), Rmse(1.0));
        Assert.False(failed.Passed);
        Assert.Equal(1.1, Single(failed, "regression:rmse").Threshold!.Value, 1e-12);
    }

    [Fact]
    public void Evaluate_DefaultFairness_FailsLowDisparateImpactNamingTheGroups()
    {
        var candidate = Binary(fairness: (0.07, 0.22, 0.50, 0.55));

        var report = GateEvaluator.Evaluate(Spec(null), candidate, null);

        var gate = Single(report, "fairness:sex:disparateImpact");
        Assert.False(gate.Passed);
        Assert.Equal(0.8, gate.Threshold);
        Assert.Equal("disparate impact across 'sex' is 0.3182 (positive rates Female 0.07 vs Male 0.22), below 0.8", gate.Message);
        Assert.True(Single(report, "fairness:sex:equalOpportunityDifference").Passed);
    }

    [Fact]
    public void Evaluate_DefaultFairness_FailsLargeEqualOpportunityDifference()
    {
        var report = GateEvaluator.Evaluate(Spec(null), Binary(fairness: (0.20, 0.22, 0.40, 0.55)), null);

        Assert.True(Single(report, "fairness:sex:disparateImpact").Passed);
        var gate = Single(report, "fairness:sex:equalOpportunityDifference");
        Assert.False(gate.Passed);
        Assert.Equal("equal-opportunity difference across 'sex' is 0.15 (true-positive rates Female 0.4 vs Male 0.55), above 0.1", gate.Message);
    }

    [Fact]
    public void Evaluate_SpecFairnessLimits_ReplaceTheDefaults()
    {
        var spec = Spec(new GateSpec(Fairness: new FairnessGateSpec(MinDisparateImpact: 0.3, MaxEqualOpportunityDifference: 0.2)));

        var report = GateEvaluator.Evaluate(spec, Binary(fairness: (0.07, 0.22, 0.40, 0.55)), null);

        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_RegressionTask_HasNoFairnessGates()
    {
        var spec = new ModelSpec(ModelTasks.Regression, null, null);
        var candidate = Binary(fairness: (0.07, 0.22, 0.40, 0.55));

        var report = GateEvaluator.Evaluate(spec, candidate, null);

        Assert.DoesNotContain(report.Results, r => r.Gate.StartsWith("fairness", StringComparison.Ordinal));
    }

    private static ModelSpec Spec(GateSpec? gates) => new(ModelTasks.Binary, null, null, gates);

    private static Dictionary<string, double> Limits(params (string Metric, double Value)[] limits) => limits.ToDictionary(l => l.Metric, l => l.Value);

    private static GateResult Single(GateReport report, string gate) => Assert.Single(report.Results, r => r.Gate == gate);

    private static EvaluationReport Binary(double auc = 0.9, double logLoss = 0.3, (double Female, double Male, double FemaleTpr, double MaleTpr)? fairness = null)
    {
        var metrics = new Dictionary<string, double> { ["auc"] = auc, ["accuracy"] = 0.85, ["f1"] = 0.6, ["precision"] = 0.7, ["recall"] = 0.5, ["logLoss"] = logLoss };
        if (fairness is not { } f)
        {
            return new EvaluationReport(100, metrics, new Dictionary<string, IReadOnlyDictionary<string, GroupMetrics>>(), new Dictionary<string, FairnessMetrics>());
        }

        var groups = new Dictionary<string, GroupMetrics>
        {
            ["Female"] = new(40, f.Female, f.FemaleTpr, metrics),
            ["Male"] = new(60, f.Male, f.MaleTpr, metrics),
        };
        return new EvaluationReport(
            100,
            metrics,
            new Dictionary<string, IReadOnlyDictionary<string, GroupMetrics>> { ["sex"] = groups },
            new Dictionary<string, FairnessMetrics> { ["sex"] = new(f.Female / f.Male, Math.Abs(f.MaleTpr - f.FemaleTpr), "Female", "Male") });
    }
}
