using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Trainers;

/// <summary>
/// Trains a spec's candidate with ML.NET and exports it to ONNX. The table's numeric and categorical columns are the
/// features (a protected attribute kept out of the features is only among its groups, which training ignores).
/// Numeric features have missing values (NaN) replaced by the training mean and categorical ones are one-hot encoded
/// inside the model (a missing value, the empty string, is a category of its own; a category unseen in training
/// encodes as all zeros), so the exported graph takes the raw feature columns only: no label, no excluded protected
/// attribute. Its outputs: binary <c>PredictedLabel.output</c> (bool), <c>Score.output</c> and
/// <c>Probability.output</c> (float, the positive class); multiclass <c>PredictedLabel.output</c> (the class index
/// plus one) and <c>Score.output</c> (float [N, classes], in the table's class order); regression <c>Score.output</c>.
/// </summary>
public sealed class ModelTrainer
{
    private const string LabelColumn = "__label__";
    private const string FeaturesColumn = "__features__";
    private static readonly string[] Reserved = [LabelColumn, FeaturesColumn, "Score", "Probability", "PredictedLabel"];

    /// <summary>Trains on <paramref name="train"/> as <paramref name="spec"/>'s task and trainer say, seeded by its seed (default 42).</summary>
    /// <exception cref="ArgumentException">The spec names no task, or a trainer that does not train (<c>external</c>) or is unknown.</exception>
    /// <exception cref="InvalidOperationException">The data cannot train a model (no rows, no features, a label with one class) or ML.NET failed; the message says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked before fitting and before exporting: ML.NET's fitting cannot be interrupted from outside).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A service hosts inject; it may hold settings later.")]
    public TrainedModel Train(TrainingTable train, ModelSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(spec);
        string task = spec.Task ?? throw new ArgumentException("The spec names no task.", nameof(spec));
        var trainerSpec = spec.Trainer ?? throw new ArgumentException("The spec names no trainer.", nameof(spec));
        string trainer = trainerSpec.Name ?? throw new ArgumentException("The spec names no trainer.", nameof(spec));
        if (trainer is not (TrainerCatalog.FastTree or TrainerCatalog.LightGbm or TrainerCatalog.Linear))
        {
            throw new ArgumentException($"The trainer '{trainer}' does not train a model here.", nameof(spec));
        }

        CheckTrainable(train, task);
        var hyperparameters = TrainerCatalog.Effective(trainerSpec, task);
        cancellationToken.ThrowIfCancellationRequested();

        var watch = Stopwatch.StartNew();
        var ml = new MLContext(trainerSpec.Seed ?? 42);
        try
        {
            var pipeline = Featurize(ml, train, trainer).Append(Estimator(ml, task, trainer, hyperparameters));
            var model = pipeline.Fit(TableDataView.Create(train, task, LabelColumn));
            cancellationToken.ThrowIfCancellationRequested();

            using var onnx = new MemoryStream();
            string[] outputs = task switch
            {
                ModelTasks.Binary => ["PredictedLabel", "Score", "Probability"],
                ModelTasks.Multiclass => ["PredictedLabel", "Score"],
                _ => ["Score"],
            };
            ml.Model.ConvertToOnnx(model, TableDataView.Create(train, task, labelColumn: null), onnx, outputs);
            return new TrainedModel(onnx.ToArray(), trainer, hyperparameters, watch.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Training the {trainer} {task} model failed: {e.Message}", e);
        }
    }

    private static void CheckTrainable(TrainingTable table, string task)
    {
        if (table.RowCount == 0)
        {
            throw new InvalidOperationException("The training data has no rows.");
        }

        var features = table.Numeric.Select(c => c.Name).Concat(table.Categorical.Select(c => c.Name)).ToList();
        if (features.Count == 0)
        {
            throw new InvalidOperationException("The training data has no feature columns.");
        }

        if (features.FirstOrDefault(f => Reserved.Contains(f, StringComparer.OrdinalIgnoreCase)) is { } clash)
        {
            throw new InvalidOperationException($"A feature may not be named '{clash}': the model uses that name itself; rename the column.");
        }

        switch (task)
        {
            case ModelTasks.Binary:
                int positives = table.Label.Count(v => v > 0.5f);
                if (positives == 0 || positives == table.RowCount)
                {
                    string only = table.Classes.Count == 2 ? table.Classes[positives == 0 ? 0 : 1] : positives == 0 ? "negative" : "positive";
                    throw new InvalidOperationException($"The training data's label has one class only ('{only}'): a binary model needs rows of both.");
                }

                break;
            case ModelTasks.Multiclass:
                if (table.Label.Any(v => v < 0 || v >= table.Classes.Count || v != MathF.Floor(v)))
                {
                    throw new InvalidOperationException($"The training data's label must be class indexes below {table.Classes.Count}.");
                }

                if (table.Label.Distinct().Count() < 2)
                {
                    throw new InvalidOperationException("The training data's label has one class only: a multiclass model needs rows of at least two.");
                }

                break;
            case ModelTasks.Regression:
                if (table.Label.Any(v => !float.IsFinite(v)))
                {
                    throw new InvalidOperationException("The training data's label has missing or infinite values: a regression label must be a number in every row.");
                }

                break;
            default:
                throw new ArgumentException($"Unknown task '{task}'.", nameof(task));
        }
    }

    private static IEstimator<ITransformer> Featurize(MLContext ml, TrainingTable table, string trainer)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        if (table.Numeric.Count > 0)
        {
            // Always: a NaN may reach the served model even when training had none.
            pipeline = pipeline.Append(ml.Transforms.ReplaceMissingValues(
                table.Numeric.Select(c => new InputOutputColumnPair(c.Name)).ToArray(),
                MissingValueReplacingEstimator.ReplacementMode.Mean));
        }

        if (table.Categorical.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(
                table.Categorical.Select(c => new InputOutputColumnPair(c.Name)).ToArray()));
        }

        pipeline = pipeline.Append(ml.Transforms.Concatenate(
            FeaturesColumn,
            [.. table.Numeric.Select(c => c.Name), .. table.Categorical.Select(c => c.Name)]));
        if (trainer == TrainerCatalog.Linear)
        {
            // Unnormalised features leave L-BFGS far from its optimum (AUC 0.62 on Adult).
            pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn));
        }

        return pipeline;
    }

    private static IEstimator<ITransformer> Estimator(MLContext ml, string task, string trainer, IReadOnlyDictionary<string, double> h)
    {
        int Int(string name) => (int)h[name];
        float Float(string name) => (float)h[name];
        return (task, trainer) switch
        {
            (ModelTasks.Binary, TrainerCatalog.FastTree) => FastTreeBinary(ml, h),
            (ModelTasks.Binary, TrainerCatalog.LightGbm) => ml.BinaryClassification.Trainers.LightGbm(
                LabelColumn, FeaturesColumn, null, Int("numberOfLeaves"), Int("minimumExampleCountPerLeaf"), h["learningRate"], Int("numberOfIterations")),
            (ModelTasks.Binary, _) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                L1Regularization = Float("l1Regularization"),
                L2Regularization = Float("l2Regularization"),
                MaximumNumberOfIterations = Int("maximumNumberOfIterations"),
            }),
            (ModelTasks.Multiclass, TrainerCatalog.FastTree) => ml.MulticlassClassification.Trainers.OneVersusAll(FastTreeBinary(ml, h), LabelColumn),
            (ModelTasks.Multiclass, TrainerCatalog.LightGbm) => ml.MulticlassClassification.Trainers.LightGbm(
                LabelColumn, FeaturesColumn, null, Int("numberOfLeaves"), Int("minimumExampleCountPerLeaf"), h["learningRate"], Int("numberOfIterations")),
            (ModelTasks.Multiclass, _) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                L1Regularization = Float("l1Regularization"),
                L2Regularization = Float("l2Regularization"),
                MaximumNumberOfIterations = Int("maximumNumberOfIterations"),
            }),
            (_, TrainerCatalog.FastTree) => ml.Regression.Trainers.FastTree(
                LabelColumn, FeaturesColumn, null, Int("numberOfLeaves"), Int("numberOfTrees"), Int("minimumExampleCountPerLeaf"), h["learningRate"]),
            (_, TrainerCatalog.LightGbm) => ml.Regression.Trainers.LightGbm(
                LabelColumn, FeaturesColumn, null, Int("numberOfLeaves"), Int("minimumExampleCountPerLeaf"), h["learningRate"], Int("numberOfIterations")),
            _ => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                L1Regularization = Float("l1Regularization"),
                L2Regularization = Float("l2Regularization"),
                MaximumNumberOfIterations = Int("maximumNumberOfIterations"),
            }),
        };
    }

    private static FastTreeBinaryTrainer FastTreeBinary(MLContext ml, IReadOnlyDictionary<string, double> h) =>
        ml.BinaryClassification.Trainers.FastTree(
            LabelColumn, FeaturesColumn, null, (int)h["numberOfLeaves"], (int)h["numberOfTrees"], (int)h["minimumExampleCountPerLeaf"], h["learningRate"]);
}
