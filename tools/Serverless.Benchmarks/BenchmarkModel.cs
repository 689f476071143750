using System.Text.Json;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Serverless.Demo;

namespace Serverless.Benchmarks;

/// <summary>
/// The serving benchmark's model: the demo applications' four numeric features, a linear classifier trained by the
/// retraining line's trainer. Numeric inputs only, so every target (in process, hand-written, the platform) takes the
/// same float tensors, and the figures compare with earlier runs on the same model shape.
/// </summary>
internal static class BenchmarkModel
{
    private const string Spec = """
        {"task": "binary", "data": {"dataset": "loan-applications",
          "features": [{"name": "income", "type": "numeric"}, {"name": "debt_ratio", "type": "numeric"},
                       {"name": "years_employed", "type": "numeric"}, {"name": "late_payments", "type": "numeric"}],
          "label": {"name": "approved", "positive": "yes"}},
         "trainer": {"name": "linear", "seed": 42}}
        """;

    /// <summary>Trains the model and returns its ONNX bytes.</summary>
    public static byte[] Train()
    {
        var table = DemoData.ToTable(DemoData.Generate(DemoClassifier.Rows));
        var numeric = table with { Categorical = [] };
        return new ModelTrainer().Train(numeric, JsonSerializer.Deserialize<ModelSpec>(Spec)!, CancellationToken.None).Onnx;
    }
}
