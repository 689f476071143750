using Microsoft.ML;

namespace Serverless.Demo;

/// <summary>Trains the demo loan classifier with ML.NET and exports it to ONNX.</summary>
public static class DemoClassifier
{
    /// <summary>Rows generated for training and evaluation.</summary>
    public const int Rows = 2000;

    /// <summary>The feature columns, which are the ONNX graph's inputs.</summary>
    public static readonly string[] Features = ["income", "debt_ratio", "years_employed", "late_payments"];

    /// <summary>Trains on 80% of the generated rows, evaluates on the rest, and exports the model.</summary>
    public static DemoModel Train()
    {
        var ml = new MLContext(seed: DemoData.Seed);
        var data = ml.Data.LoadFromEnumerable(DemoData.Generate(Rows));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: DemoData.Seed);
        var pipeline = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: "approved"));
        var model = pipeline.Fit(split.TrainSet);
        var quality = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "approved");

        // Exported from a schema without the label, so the graph's inputs are the features alone.
        var schema = ml.Data.LoadFromEnumerable(new[] { new LoanApplication() });
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, schema, onnx, "PredictedLabel", "Probability", "Score");
        return new DemoModel(
            onnx.ToArray(),
            new Dictionary<string, double>
            {
                ["auc"] = Math.Round(quality.AreaUnderRocCurve, 4),
                ["accuracy"] = Math.Round(quality.Accuracy, 4),
                ["f1"] = Math.Round(quality.F1Score, 4),
            },
            $"generated:Serverless.Demo.DemoData?seed={DemoData.Seed}&rows={Rows}");
    }
}
