using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Trainers;

namespace Serverless.Demo;

/// <summary>
/// Trains the demo classifier in this process with the retraining line's own trainer and spec, for tests and benchmarks
/// that need the model without a running platform.
/// </summary>
public static class DemoClassifier
{
    /// <summary>Rows generated for training and evaluation.</summary>
    public const int Rows = 2000;

    /// <summary>Trains on the spec's training share of the generated rows and evaluates on its holdout.</summary>
    public static DemoModel Train()
    {
        var table = DemoData.ToTable(DemoData.Generate(Rows));
        var (train, holdout) = HoldoutSplit.Split(table, 0.2, DemoData.Seed);
        var trained = new ModelTrainer().Train(train, DemoSpec.Spec, CancellationToken.None);
        string path = Path.Combine(Path.GetTempPath(), $"demo-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, trained.Onnx);
            var report = new ModelEvaluator().Evaluate(path, holdout, DemoSpec.Spec.Task!, CancellationToken.None);
            return new DemoModel(trained.Onnx, report.Metrics, $"generated:Serverless.Demo.DemoData?seed={DemoData.Seed}&rows={Rows}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The model's input names: the spec's features.</summary>
    public static IReadOnlyList<string> Features { get; } = [.. DemoSpec.Spec.Data!.Features!.Select(f => f.Name!)];

}
