using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Tests.Training;

/// <summary>Small deterministic tables for training tests: two numeric features, one categorical, one protected attribute kept out of the features.</summary>
internal static class SyntheticTables
{
    public static readonly string[] Features = ["x1", "x2", "color"];

    private static readonly string[] Colors = ["red", "green", "blue"];

    /// <summary>Rows whose label depends on x1, x2 and color; with <paramref name="missing"/>, some x2 are NaN and some colors empty.</summary>
    public static TrainingTable Create(string task, int rows = 600, int seed = 7, bool missing = false)
    {
        var random = new Random(seed);
        var x1 = new float[rows];
        var x2 = new float[rows];
        var color = new string[rows];
        var group = new string[rows];
        var label = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            x1[i] = (float)(random.NextDouble() * 4 - 2);
            x2[i] = (float)(random.NextDouble() * 100);
            int c = random.Next(3);
            color[i] = Colors[c];
            group[i] = random.Next(2) == 0 ? "A" : "B";
            double noise = random.NextDouble() - 0.5;
            double signal = (2 * x1[i]) + ((x2[i] - 50) / 25) + (c == 0 ? 1.5 : c == 1 ? -1.5 : 0) + noise;
            label[i] = task switch
            {
                ModelTasks.Binary => signal > 0 ? 1 : 0,
                ModelTasks.Multiclass => signal < -1 ? 0 : signal < 1 ? 1 : 2,
                _ => (float)(10 + (3 * signal)),
            };
            if (missing && i % 10 == 3)
            {
                x2[i] = float.NaN;
            }

            if (missing && i % 10 == 5)
            {
                color[i] = "";
            }
        }

        IReadOnlyList<string> classes = task switch
        {
            ModelTasks.Binary => ["no", "yes"],
            ModelTasks.Multiclass => ["low", "mid", "high"],
            _ => [],
        };
        return new TrainingTable(
            [new NumericColumn("x1", x1), new NumericColumn("x2", x2)],
            [new CategoricalColumn("color", color)],
            label,
            classes,
            [new CategoricalColumn("group", group)]);
    }

    /// <summary>A spec for the synthetic table's columns.</summary>
    public static ModelSpec Spec(string task, string trainer, Dictionary<string, double>? hyperparameters = null) => new(
        task,
        new DataSpec(
            Features: [new FeatureSpec("x1", FeatureTypes.Numeric), new FeatureSpec("x2", FeatureTypes.Numeric), new FeatureSpec("color", FeatureTypes.Categorical)],
            Label: new LabelSpec("y", task == ModelTasks.Binary ? ["yes"] : null),
            Protected: [new ProtectedAttributeSpec("group")]),
        new TrainerSpec(trainer, hyperparameters?.ToDictionary(p => p.Key, p => System.Text.Json.JsonSerializer.SerializeToElement(p.Value)), Seed: 3));
}
