using System.Globalization;
using System.Text.Json;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Trainers;

/// <summary>
/// The trainers a spec may name and the hyperparameters each accepts, with their ranges and defaults.
/// <list type="bullet">
/// <item><c>fasttree</c>: <c>numberOfTrees</c>, <c>numberOfLeaves</c>, <c>minimumExampleCountPerLeaf</c>, <c>learningRate</c>
/// (ML.NET's defaults 100, 20, 10, 0.2). Multiclass trains one-versus-all.</item>
/// <item><c>lightgbm</c>: <c>numberOfIterations</c>, <c>numberOfLeaves</c>, <c>minimumExampleCountPerLeaf</c>, <c>learningRate</c>
/// (LightGBM's defaults 100, 31, 20, 0.1).</item>
/// <item><c>linear</c>: <c>l1Regularization</c>, <c>l2Regularization</c>, <c>maximumNumberOfIterations</c>. Binary: L-BFGS logistic
/// regression, multiclass: L-BFGS maximum entropy (defaults 1, 1, 1000: ML.NET's, with its unbounded iteration count capped);
/// regression: SDCA, whose regularisation weighs the mean loss rather than the sum (defaults 0, 0.0001, 100).</item>
/// <item><c>external</c>: none.</item>
/// </list>
/// </summary>
public static class TrainerCatalog
{
    /// <summary>FastTree gradient-boosted trees (ML.NET).</summary>
    public const string FastTree = "fasttree";

    /// <summary>LightGBM gradient-boosted trees (ML.NET).</summary>
    public const string LightGbm = "lightgbm";

    /// <summary>A linear model on normalised features (ML.NET L-BFGS; SDCA for regression).</summary>
    public const string Linear = "linear";

    /// <summary>No training: the candidate is a version another pipeline registered.</summary>
    public const string External = "external";

    /// <summary>Every trainer name.</summary>
    public static IReadOnlyList<string> Names { get; } = [FastTree, LightGbm, Linear, External];

    private static readonly Hyperparameter LearningRate = new("learningRate", 0, 1, Integer: false, LowerExclusive: true);

    private static readonly Dictionary<string, Hyperparameter[]> Parameters = new(StringComparer.Ordinal)
    {
        [FastTree] =
        [
            new("numberOfTrees", 1, 10_000, Integer: true),
            new("numberOfLeaves", 2, 1024, Integer: true),
            new("minimumExampleCountPerLeaf", 1, 1_000_000, Integer: true),
            LearningRate,
        ],
        [LightGbm] =
        [
            new("numberOfIterations", 1, 10_000, Integer: true),
            new("numberOfLeaves", 2, 1024, Integer: true),
            new("minimumExampleCountPerLeaf", 1, 1_000_000, Integer: true),
            LearningRate,
        ],
        [Linear] =
        [
            new("l1Regularization", 0, 1e6, Integer: false),
            new("l2Regularization", 0, 1e6, Integer: false),
            new("maximumNumberOfIterations", 1, 100_000, Integer: true),
        ],
        [External] = [],
    };

    /// <summary>What is wrong with <paramref name="trainer"/> for <paramref name="task"/>: an unknown trainer, unknown hyperparameters, values that are not numbers or out of range.</summary>
    public static IEnumerable<SpecError> Validate(TrainerSpec trainer, string task)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        _ = task; // Every trainer serves every task; the names are the same across tasks.
        if (trainer.Name is null || !Parameters.TryGetValue(trainer.Name, out var allowed))
        {
            yield return new SpecError(
                "trainer.name",
                trainer.Name is null
                    ? $"A trainer is required: one of {string.Join(", ", Names)}."
                    : $"Unknown trainer '{trainer.Name}': use one of {string.Join(", ", Names)}.");
            yield break;
        }

        foreach (var (name, value) in trainer.Hyperparameters ?? new Dictionary<string, JsonElement>())
        {
            string field = $"trainer.hyperparameters.{name}";
            var parameter = Array.Find(allowed, p => p.Name == name);
            if (parameter is null)
            {
                yield return new SpecError(field, allowed.Length == 0
                    ? $"The trainer '{trainer.Name}' takes no hyperparameters."
                    : $"Unknown hyperparameter '{name}' for '{trainer.Name}': use {string.Join(", ", allowed.Select(p => p.Name))}.");
            }
            else if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number))
            {
                yield return new SpecError(field, $"'{name}' must be a number, not {Describe(value)}.");
            }
            else if (parameter.Check(number) is { } problem)
            {
                yield return new SpecError(field, problem);
            }
        }
    }

    /// <summary>
    /// The hyperparameters a training run uses: the trainer's defaults for <paramref name="task"/>, overridden by the
    /// spec's values (which <see cref="Validate"/> has accepted). Empty for <c>external</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Effective(TrainerSpec trainer, string task)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in Defaults(trainer.Name, task))
        {
            values[name] = value;
        }

        foreach (var (name, value) in trainer.Hyperparameters ?? new Dictionary<string, JsonElement>())
        {
            if (values.ContainsKey(name) && value.ValueKind == JsonValueKind.Number)
            {
                values[name] = value.GetDouble();
            }
        }

        return values;
    }

    private static IEnumerable<(string Name, double Value)> Defaults(string? trainer, string task) => trainer switch
    {
        FastTree => [("numberOfTrees", 100), ("numberOfLeaves", 20), ("minimumExampleCountPerLeaf", 10), ("learningRate", 0.2)],
        LightGbm => [("numberOfIterations", 100), ("numberOfLeaves", 31), ("minimumExampleCountPerLeaf", 20), ("learningRate", 0.1)],
        Linear when task == ModelTasks.Regression => [("l1Regularization", 0), ("l2Regularization", 1e-4), ("maximumNumberOfIterations", 100)],
        Linear => [("l1Regularization", 1), ("l2Regularization", 1), ("maximumNumberOfIterations", 1000)],
        _ => [],
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private sealed record Hyperparameter(string Name, double Min, double Max, bool Integer, bool LowerExclusive = false)
    {
        public string? Check(double value)
        {
            string range = string.Create(
                CultureInfo.InvariantCulture,
                $"{(LowerExclusive ? "greater than" : "at least")} {Min} and at most {Max}");
            if (Integer && value != Math.Floor(value))
            {
                return string.Create(CultureInfo.InvariantCulture, $"'{Name}' must be a whole number {range}, not {value}.");
            }

            bool tooLow = LowerExclusive ? value <= Min : value < Min;
            return tooLow || value > Max
                ? string.Create(CultureInfo.InvariantCulture, $"'{Name}' must be {(Integer ? "a whole number " : "")}{range}, not {value}.")
                : null;
        }
    }
}
