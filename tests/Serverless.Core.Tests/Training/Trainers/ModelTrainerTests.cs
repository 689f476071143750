using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Xunit.Abstractions;

namespace Serverless.Core.Tests.Training.Trainers;

public sealed class ModelTrainerTests(ITestOutputHelper output)
{
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
        foreach (var (name, meta) in session.InputMetadata)
        {
            output.WriteLine($"input {name}: {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }

        foreach (var (name, meta) in session.OutputMetadata)
        {
            output.WriteLine($"output {name}: {meta.OnnxValueType} {meta.ElementDataType} [{string.Join(",", meta.Dimensions)}]");
        }

        Assert.Equal(SyntheticTables.Features.Order(), session.InputMetadata.Keys.Order());
        Assert.Equal(TensorElementType.Float, session.InputMetadata["x1"].ElementDataType);
        Assert.Equal(TensorElementType.String, session.InputMetadata["color"].ElementDataType);
        Assert.Equal(trainer, model.Trainer);
        Assert.NotEmpty(model.Hyperparameters);
    }
}
