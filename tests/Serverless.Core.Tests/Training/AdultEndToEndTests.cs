using System.Globalization;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Gates;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Core.Tests.Training;

/// <summary>UCI Adult from the shared data: trained without 'sex', evaluated on adult-test, fairness across 'sex' reported.</summary>
public sealed class AdultEndToEndTests(ITestOutputHelper output)
{
    private const string Folder = "data/adult";

    private static readonly string[] Columns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship",
        "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    private static readonly string[] NumericFeatures = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"];

    private static readonly string[] CategoricalFeatures = ["workclass", "education", "marital-status", "occupation", "relationship", "race", "native-country"];

    [SharedDataTheory(Folder)]
    [InlineData(TrainerCatalog.FastTree, 0.90)]
    [InlineData(TrainerCatalog.LightGbm, 0.90)]
    [InlineData(TrainerCatalog.Linear, 0.88)]
    public void TrainAndEvaluate_Adult_ReachesTheAucAndReportsFairness(string trainer, double minimumAuc)
    {
        var train = Read("adult-train.csv");
        var test = Read("adult-test.csv");
        var spec = new ModelSpec(
            ModelTasks.Binary,
            new DataSpec(
                Features: [.. NumericFeatures.Select(f => new FeatureSpec(f, FeatureTypes.Numeric)), .. CategoricalFeatures.Select(f => new FeatureSpec(f, FeatureTypes.Categorical))],
                Label: new LabelSpec("income", [">50K", ">50K."]),
                Protected: [new ProtectedAttributeSpec("sex", ExcludeFromFeatures: true)]),
            new TrainerSpec(trainer));

        var model = new ModelTrainer().Train(train, spec, CancellationToken.None);
        var report = new ModelEvaluator().Evaluate(model.Onnx, test, ModelTasks.Binary, CancellationToken.None);
        var gates = GateEvaluator.Evaluate(spec, report, null);

        output.WriteLine($"{trainer}: trained on {train.RowCount} rows in {model.Duration.TotalSeconds:0.00} s, ONNX {model.Onnx.Length} bytes; evaluated on {report.Rows} rows");
        output.WriteLine(string.Join(", ", report.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}"))));
        foreach (var (group, metrics) in report.Groups["sex"])
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sex={group}: rows {metrics.Rows}, positive rate {metrics.PositiveRate:0.####}, true-positive rate {metrics.TruePositiveRate:0.####}, auc {metrics.Metrics[MetricNames.Auc]:0.####}"));
        }

        foreach (var result in gates.Results)
        {
            output.WriteLine($"{(result.Passed ? "pass" : "FAIL")} {result.Gate}: {result.Message}");
        }

        Assert.True(report.Metrics[MetricNames.Auc] >= minimumAuc, $"auc {report.Metrics[MetricNames.Auc]} < {minimumAuc}");
        Assert.Equal(["Female", "Male"], report.Groups["sex"].Keys);
        Assert.Equal("Female", report.Fairness["sex"].LowestGroup);
        Assert.InRange(report.Fairness["sex"].DisparateImpact, 0, 1);
    }

    private static TrainingTable Read(string file)
    {
        var rows = File.ReadLines(Path.Combine(RepositoryPaths.Shared!, Folder, file))
            .Select(line => line.Split(',').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells.Length == Columns.Length)
            .ToList();
        string[] Cells(string column) => [.. rows.Select(r => r[Array.IndexOf(Columns, column)])];
        return new TrainingTable(
            [.. NumericFeatures.Select(c => new NumericColumn(c, [.. Cells(c).Select(v => v == "?" ? float.NaN : float.Parse(v, CultureInfo.InvariantCulture))]))],
            [.. CategoricalFeatures.Select(c => new CategoricalColumn(c, [.. Cells(c).Select(v => v == "?" ? "" : v)]))],
            [.. Cells("income").Select(v => v.StartsWith(">50K", StringComparison.Ordinal) ? 1f : 0f)],
            ["<=50K", ">50K"],
            [new CategoricalColumn("sex", Cells("sex"))]);
    }
}
