using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;
using Serverless.Testing;

namespace Serverless.Core.Tests.Training.Evaluation;

public sealed class ModelEvaluatorTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Evaluate_BinaryProbabilities_MatchHandComputedMetrics()
    {
        // Scores tie across classes at 0.9; rows 0-2 are group A, 3-5 group B.
        var table = Table(
            [1, 0, 1, 0, 1, 0],
            ("p", [0.9f, 0.9f, 0.6f, 0.3f, 0.55f, 0.1f]),
            ("g", ["A", "A", "A", "B", "B", "B"]),
            ("h", ["X", "Y", "X", "Y", "Y", "Y"]));

        var report = Evaluate(Passthrough("p", "Probability"), table, ModelTasks.Binary);

        Assert.Equal(6, report.Rows);
        var m = report.Metrics;
        Assert.Equal(6.5 / 9, m[MetricNames.Auc], Tolerance);
        Assert.Equal(5.0 / 6, m[MetricNames.Accuracy], Tolerance);
        Assert.Equal(3.0 / 4, m[MetricNames.Precision], Tolerance);
        Assert.Equal(1.0, m[MetricNames.Recall], Tolerance);
        Assert.Equal(6.0 / 7, m[MetricNames.F1], Tolerance);
        double logLoss = -(Math.Log(0.9f) + Math.Log(1 - 0.9f) + Math.Log(0.6f) + Math.Log(1 - 0.3f) + Math.Log(0.55f) + Math.Log(1 - 0.1f)) / 6;
        Assert.Equal(logLoss, m[MetricNames.LogLoss], 1e-6);

        var a = report.Groups["g"]["A"];
        var b = report.Groups["g"]["B"];
        Assert.Equal((3, 1.0, 1.0), (a.Rows, a.PositiveRate!.Value, a.TruePositiveRate!.Value));
        Assert.Equal(0.25, a.Metrics[MetricNames.Auc], Tolerance);
        Assert.Equal(1.0 / 3, b.PositiveRate!.Value, Tolerance);
        Assert.Equal(1.0, b.Metrics[MetricNames.Auc], Tolerance);
        var fairness = report.Fairness["g"];
        Assert.Equal(1.0 / 3, fairness.DisparateImpact, Tolerance);
        Assert.Equal(0, fairness.EqualOpportunityDifference, Tolerance);
        Assert.Equal(("B", "A"), (fairness.LowestGroup, fairness.HighestGroup));

        // Group X holds positives only: no AUC, but a true-positive rate.
        var x = report.Groups["h"]["X"];
        Assert.False(x.Metrics.ContainsKey(MetricNames.Auc));
        Assert.Equal(1.0, x.TruePositiveRate);
    }

    [Fact]
    public void Evaluate_GroupsWithDifferentRecall_ReportsEqualOpportunityDifference()
    {
        var table = Table(
            [1, 1, 1, 1, 0, 0, 0, 0],
            ("p", [0.8f, 0.7f, 0.2f, 0.6f, 0.4f, 0.9f, 0.1f, 0.3f]),
            ("sex", ["A", "A", "B", "B", "A", "A", "B", "B"]));

        var fairness = Evaluate(Passthrough("p", "Probability"), table, ModelTasks.Binary).Fairness["sex"];

        Assert.Equal(1.0 / 3, fairness.DisparateImpact, Tolerance);
        Assert.Equal(0.5, fairness.EqualOpportunityDifference, Tolerance);
    }

    [Fact]
    public void Evaluate_GroupWithoutPositives_HasNoTruePositiveRate()
    {
        var table = Table([1, 0, 0, 0], ("p", [0.8f, 0.6f, 0.1f, 0.2f]), ("g", ["A", "A", "B", "B"]));

        var report = Evaluate(Passthrough("p", "Probability"), table, ModelTasks.Binary);

        Assert.Null(report.Groups["g"]["B"].TruePositiveRate);
        Assert.Equal(0, report.Fairness["g"].EqualOpportunityDifference);
        Assert.Equal(0, report.Fairness["g"].DisparateImpact); // B: none predicted positive, A: half.
    }

    [Fact]
    public void Evaluate_BinaryScoreOnly_AppliesSigmoid()
    {
        var table = Table([1, 0], ("s", [2f, -1f]));

        var report = Evaluate(Passthrough("s", "Score"), table, ModelTasks.Binary);

        double expected = -(Math.Log(1 / (1 + Math.Exp(-2))) + Math.Log(1 - (1 / (1 + Math.Exp(1))))) / 2;
        Assert.Equal(expected, report.Metrics[MetricNames.LogLoss], 1e-6);
        Assert.Equal(1.0, report.Metrics[MetricNames.Accuracy]);
    }

    [Fact]
    public void Evaluate_Regression_MatchesHandComputedMetrics()
    {
        var table = Table([1, 2, 3, 4], ("v", [1.5f, 2f, 2f, 5f]), ("g", ["A", "A", "B", "B"]));

        var report = Evaluate(Passthrough("v", "Score"), table, ModelTasks.Regression);

        Assert.Equal(0.75, report.Metrics[MetricNames.Rmse], Tolerance);
        Assert.Equal(0.625, report.Metrics[MetricNames.Mae], Tolerance);
        Assert.Equal(0.55, report.Metrics[MetricNames.R2], Tolerance);
        Assert.Empty(report.Fairness);
        Assert.Null(report.Groups["g"]["A"].PositiveRate);
        Assert.Equal(Math.Sqrt(0.25 / 2), report.Groups["g"]["A"].Metrics[MetricNames.Rmse], Tolerance);
    }

    [Fact]
    public void Report_Multiclass_MatchesHandComputedMetrics()
    {
        var table = new TrainingTable([], [], [0, 1, 2, 2], ["a", "b", "c"], [new CategoricalColumn("g", ["A", "A", "B", "B"])]);
        double[] probabilities = [0.7, 0.2, 0.1, 0.1, 0.5, 0.4, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8];

        var report = MetricCalculator.Report(table, ModelTasks.Multiclass, probabilities);

        Assert.Equal(0.75, report.Metrics[MetricNames.Accuracy], Tolerance);
        Assert.Equal(((1.0 + (2.0 / 3) + (2.0 / 3)) / 3), report.Metrics[MetricNames.MacroF1], Tolerance);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.5) + Math.Log(0.3) + Math.Log(0.8)) / 4, report.Metrics[MetricNames.LogLoss], Tolerance);
        Assert.Empty(report.Fairness);
        Assert.Equal(1.0, report.Groups["g"]["A"].Metrics[MetricNames.MacroF1], Tolerance);
    }

    [Fact]
    public void Auc_AllScoresTied_IsOneHalf()
    {
        Assert.Equal(0.5, MetricCalculator.Auc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3], [0, 1, 2, 3]));
        Assert.Null(MetricCalculator.Auc([1, 1], [0.3, 0.4], [0, 1]));
    }

    [Fact]
    public void Evaluate_ModelTakesAColumnTheDataLacks_ThrowsModelIncompatible()
    {
        var table = Table([1, 0], ("p", [0.8f, 0.2f]));

        var error = Assert.Throws<ModelIncompatibleException>(() => Evaluate(Passthrough("income", "Probability"), table, ModelTasks.Binary));

        Assert.Equal(["income"], error.MissingInputs);
        Assert.Contains("'income'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ModelWithoutAReadableOutput_ThrowsModelIncompatible()
    {
        var table = Table([1, 0], ("p", [0.8f, 0.2f]));

        var error = Assert.Throws<ModelIncompatibleException>(() => Evaluate(Passthrough("p", "y"), table, ModelTasks.Binary));

        Assert.Contains("its outputs: y", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FromAFile_ReadsTheModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"evaluator-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Passthrough("p", "Probability"));
        try
        {
            var report = new ModelEvaluator().Evaluate(path, Table([1, 0], ("p", [0.8f, 0.2f])), ModelTasks.Binary, CancellationToken.None);

            Assert.Equal(1.0, report.Metrics[MetricNames.Auc]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static EvaluationReport Evaluate(byte[] model, TrainingTable table, string task) =>
        new ModelEvaluator().Evaluate(model, table, task, CancellationToken.None);

    /// <summary>A model whose output <paramref name="output"/> is its float input <paramref name="input"/>, [N, 1].</summary>
    private static byte[] Passthrough(string input, string output) =>
        OnnxModelBuilder.Build("Identity", [(input, TensorElementType.Float, [-1, 1])], [(output, TensorElementType.Float, [-1, 1])]);

    private static TrainingTable Table(float[] label, (string Name, float[] Values) numeric, params (string Name, string[] Values)[] groups) =>
        new([new NumericColumn(numeric.Name, numeric.Values)], [], label, ["negative", "positive"], [.. groups.Select(g => new CategoricalColumn(g.Name, g.Values))]);
}
