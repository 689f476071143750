using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;

namespace Serverless.Core.Tests.Training.Trainers;

public sealed class ModelTrainerTests
{
    private static readonly string[] MissingAndUnseen = ["", "purple"];

    [Theory]
    [InlineData(ModelTasks.Binary, TrainerCatalog.FastTree)]
    [InlineData(ModelTasks.Binary, TrainerCatalog.LightGbm)]
    [InlineData(ModelTasks.Binary, TrainerCatalog.Linear)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.FastTree)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.LightGbm)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.Linear)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.FastTree)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.LightGbm)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.Linear)]
    public void Train_EachTaskAndTrainer_ExportsTheFeaturesAsTheOnlyInputs(string task, string trainer)
    {
        var model = new ModelTrainer().Train(SyntheticTables.Create(task), SyntheticTables.Spec(task, trainer), CancellationToken.None);

        using var session = new InferenceSession(model.Onnx);
        Assert.Equal(SyntheticTables.Features.Order(), session.InputMetadata.Keys.Order());
        Assert.Equal(TensorElementType.Float, session.InputMetadata["x1"].ElementDataType);
        Assert.Equal(TensorElementType.Float, session.InputMetadata["x2"].ElementDataType);
        Assert.Equal(TensorElementType.String, session.InputMetadata["color"].ElementDataType);
        Assert.Contains("Score.output", session.OutputMetadata.Keys);
        Assert.Equal(task == ModelTasks.Binary, session.OutputMetadata.ContainsKey("Probability.output"));
        Assert.Equal(trainer, model.Trainer);
    }

    [Theory]
    [InlineData(ModelTasks.Binary, TrainerCatalog.FastTree, MetricNames.Auc, 0.9)]
    [InlineData(ModelTasks.Binary, TrainerCatalog.LightGbm, MetricNames.Auc, 0.9)]
    [InlineData(ModelTasks.Binary, TrainerCatalog.Linear, MetricNames.Auc, 0.9)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.FastTree, MetricNames.Accuracy, 0.7)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.LightGbm, MetricNames.Accuracy, 0.7)]
    [InlineData(ModelTasks.Multiclass, TrainerCatalog.Linear, MetricNames.Accuracy, 0.7)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.FastTree, MetricNames.R2, 0.8)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.LightGbm, MetricNames.R2, 0.8)]
    [InlineData(ModelTasks.Regression, TrainerCatalog.Linear, MetricNames.R2, 0.8)]
    public void Train_EachTaskAndTrainer_LearnsWhatTheHoldoutConfirms(string task, string trainer, string metric, double minimum)
    {
        var model = new ModelTrainer().Train(SyntheticTables.Create(task), SyntheticTables.Spec(task, trainer), CancellationToken.None);

        var report = new ModelEvaluator().Evaluate(model.Onnx, SyntheticTables.Create(task, rows: 400, seed: 99), task, CancellationToken.None);

        Assert.True(report.Metrics[metric] >= minimum, $"{metric} {report.Metrics[metric]} < {minimum}");
        Assert.Equal(["A", "B"], report.Groups["group"].Keys.Order());
    }

    [Theory]
    [InlineData(TrainerCatalog.FastTree)]
    [InlineData(TrainerCatalog.LightGbm)]
    [InlineData(TrainerCatalog.Linear)]
    public void Train_MissingNumbersAndCategories_TrainsAndTheModelRunsOnThem(string trainer)
    {
        var table = SyntheticTables.Create(ModelTasks.Binary, missing: true);

        var model = new ModelTrainer().Train(table, SyntheticTables.Spec(ModelTasks.Binary, trainer), CancellationToken.None);

        using var session = new InferenceSession(model.Onnx);
        using var results = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("x1", new DenseTensor<float>(new float[] { 1, float.NaN }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("x2", new DenseTensor<float>(new float[] { float.NaN, 10 }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("color", new DenseTensor<string>(MissingAndUnseen, [2, 1])),
        ]);
        var probability = results.Single(r => r.Name == "Probability.output").AsTensor<float>().ToArray();
        Assert.All(probability, p => Assert.InRange(p, 0f, 1f));
        var report = new ModelEvaluator().Evaluate(model.Onnx, SyntheticTables.Create(ModelTasks.Binary, rows: 400, seed: 99, missing: true), ModelTasks.Binary, CancellationToken.None);
        Assert.True(report.Metrics[MetricNames.Auc] > 0.85, $"auc {report.Metrics[MetricNames.Auc]}");
    }

    [Fact]
    public void Train_SpecHyperparameters_AreUsedAndReportedWithTheDefaults()
    {
        var spec = SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.FastTree, new() { ["numberOfTrees"] = 7 });

        var model = new ModelTrainer().Train(SyntheticTables.Create(ModelTasks.Binary), spec, CancellationToken.None);

        Assert.Equal(7, model.Hyperparameters["numberOfTrees"]);
        Assert.Equal(20, model.Hyperparameters["numberOfLeaves"]);
        Assert.True(model.Duration > TimeSpan.Zero);
    }

    [Fact]
    public void Train_SameSeed_GivesTheSameModel()
    {
        var spec = SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.LightGbm);
        var table = SyntheticTables.Create(ModelTasks.Binary);

        var first = new ModelTrainer().Train(table, spec, CancellationToken.None);
        var second = new ModelTrainer().Train(table, spec, CancellationToken.None);

        Assert.Equal(first.Onnx, second.Onnx);
    }

    [Fact]
    public void Train_LabelWithOneClass_ThrowsNamingIt()
    {
        var table = SyntheticTables.Create(ModelTasks.Binary);
        table = table with { Label = new float[table.RowCount] };

        var error = Assert.Throws<InvalidOperationException>(() =>
            new ModelTrainer().Train(table, SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.FastTree), CancellationToken.None));

        Assert.Contains("one class only ('no')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_External_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            new ModelTrainer().Train(SyntheticTables.Create(ModelTasks.Binary), SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.External), CancellationToken.None));
    }

    [Fact]
    public void Train_Cancelled_ThrowsOperationCanceled()
    {
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new ModelTrainer().Train(SyntheticTables.Create(ModelTasks.Binary), SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.FastTree), new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Train_CategoricalOnly_Exports()
    {
        var full = SyntheticTables.Create(ModelTasks.Binary);
        var table = full with { Numeric = [] };

        var model = new ModelTrainer().Train(table, SyntheticTables.Spec(ModelTasks.Binary, TrainerCatalog.Linear), CancellationToken.None);

        using var session = new InferenceSession(model.Onnx);
        Assert.Equal(["color"], session.InputMetadata.Keys);
    }
}
