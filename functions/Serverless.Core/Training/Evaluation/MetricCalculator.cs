using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Evaluation;

/// <summary>The task's metrics from a model's predictions on a holdout, overall, per protected group and (binary) fairness.</summary>
internal static class MetricCalculator
{
    private const double Epsilon = 1e-15;

    /// <summary>
    /// The report for <paramref name="holdout"/>. <paramref name="predictions"/> holds per row: binary, the positive
    /// class's probability; regression, the predicted value; multiclass, the classes' probabilities row after row
    /// (<c>RowCount × Classes.Count</c> values).
    /// </summary>
    public static EvaluationReport Report(TrainingTable holdout, string task, double[] predictions)
    {
        int classes = task == ModelTasks.Multiclass ? holdout.Classes.Count : 1;
        if (predictions.Length != holdout.RowCount * classes)
        {
            throw new ArgumentException($"Expected {holdout.RowCount * classes} predictions, got {predictions.Length}.", nameof(predictions));
        }

        var all = Enumerable.Range(0, holdout.RowCount).ToArray();
        var groups = new Dictionary<string, IReadOnlyDictionary<string, GroupMetrics>>(StringComparer.Ordinal);
        var fairness = new Dictionary<string, FairnessMetrics>(StringComparer.Ordinal);
        foreach (var attribute in holdout.Groups)
        {
            var perGroup = new Dictionary<string, GroupMetrics>(StringComparer.Ordinal);
            foreach (var group in Enumerable.Range(0, holdout.RowCount).GroupBy(i => attribute.Values[i]).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                int[] rows = [.. group];
                var metrics = Metrics(holdout, task, predictions, rows);
                perGroup[group.Key] = task == ModelTasks.Binary
                    ? new GroupMetrics(rows.Length, PositiveRate(predictions, rows), Recall(holdout.Label, predictions, rows), metrics)
                    : new GroupMetrics(rows.Length, null, null, metrics);
            }

            groups[attribute.Name] = perGroup;
            if (task == ModelTasks.Binary && perGroup.Count > 0)
            {
                fairness[attribute.Name] = Fairness(perGroup);
            }
        }

        return new EvaluationReport(holdout.RowCount, Metrics(holdout, task, predictions, all), groups, fairness, Predictions(holdout, task, predictions));
    }

    private static PredictionBaseline Predictions(TrainingTable holdout, string task, double[] predictions)
    {
        int rows = holdout.RowCount;
        switch (task)
        {
            case ModelTasks.Binary:
                int positives = predictions.Count(Positive);
                int wrong = Enumerable.Range(0, rows).Count(i => Positive(predictions[i]) != (holdout.Label[i] == 1));
                return new PredictionBaseline(
                    rows,
                    BaselineStatistics.Numeric(new NumericColumn(PredictionBaseline.FeatureName, predictions.Select(p => (float)p).ToArray())),
                    positives / (double)rows,
                    wrong / (double)rows)
                { Values = predictions };
            case ModelTasks.Multiclass:
                int classes = holdout.Classes.Count;
                var predicted = new string[rows];
                int errors = 0;
                for (int i = 0; i < rows; i++)
                {
                    var row = predictions.AsSpan(i * classes, classes);
                    int best = 0;
                    for (int k = 1; k < classes; k++)
                    {
                        if (row[k] > row[best])
                        {
                            best = k;
                        }
                    }

                    predicted[i] = holdout.Classes[best];
                    errors += best == (int)holdout.Label[i] ? 0 : 1;
                }

                return new PredictionBaseline(rows, BaselineStatistics.Categorical(new CategoricalColumn(PredictionBaseline.FeatureName, predicted)), null, errors / (double)rows);
            default:
                return new PredictionBaseline(
                    rows, BaselineStatistics.Numeric(new NumericColumn(PredictionBaseline.FeatureName, predictions.Select(p => (float)p).ToArray())), null, null)
                { Values = predictions };
        }
    }

    /// <summary>Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting half (average ranks).</summary>
    public static double? Auc(float[] label, double[] scores, int[] rows)
    {
        var order = rows.OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
            {
                end++;
            }

            double averageRank = (start + 1 + end) / 2.0; // ranks start+1..end share their mean
            for (int k = start; k < end; k++)
            {
                if (label[order[k]] > 0.5f)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end;
        }

        long negatives = order.Length - positives;
        return positives == 0 || negatives == 0
            ? null
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    private static Dictionary<string, double> Metrics(TrainingTable holdout, string task, double[] predictions, int[] rows) => task switch
    {
        ModelTasks.Binary => Binary(holdout.Label, predictions, rows),
        ModelTasks.Multiclass => Multiclass(holdout.Label, predictions, holdout.Classes.Count, rows),
        _ => Regression(holdout.Label, predictions, rows),
    };

    private static bool Positive(double probability) => probability >= 0.5;

    private static Dictionary<string, double> Binary(float[] label, double[] probability, int[] rows)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        double logLoss = 0;
        foreach (int i in rows)
        {
            bool actual = label[i] > 0.5f;
            bool predicted = Positive(probability[i]);
            (tp, fp, fn, tn) = (actual, predicted) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (false, true) => (tp, fp + 1, fn, tn),
                (true, false) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
            double p = Math.Clamp(probability[i], Epsilon, 1 - Epsilon);
            logLoss -= actual ? Math.Log(p) : Math.Log(1 - p);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Auc(label, probability, rows) is { } auc)
        {
            metrics[MetricNames.Auc] = auc;
        }

        metrics[MetricNames.Accuracy] = (tp + tn) / (double)rows.Length;
        if (2 * tp + fp + fn > 0)
        {
            metrics[MetricNames.F1] = 2.0 * tp / (2 * tp + fp + fn);
        }

        if (tp + fp > 0)
        {
            metrics[MetricNames.Precision] = tp / (double)(tp + fp);
        }

        if (tp + fn > 0)
        {
            metrics[MetricNames.Recall] = tp / (double)(tp + fn);
        }

        metrics[MetricNames.LogLoss] = logLoss / rows.Length;
        return metrics;
    }

    private static Dictionary<string, double> Multiclass(float[] label, double[] probabilities, int classes, int[] rows)
    {
        var truePositives = new int[classes];
        var actualCounts = new int[classes];
        var predictedCounts = new int[classes];
        int correct = 0;
        double logLoss = 0;
        foreach (int i in rows)
        {
            int actual = (int)label[i];
            var row = probabilities.AsSpan(i * classes, classes);
            int predicted = 0;
            for (int k = 1; k < classes; k++)
            {
                if (row[k] > row[predicted])
                {
                    predicted = k;
                }
            }

            actualCounts[actual]++;
            predictedCounts[predicted]++;
            if (predicted == actual)
            {
                truePositives[actual]++;
                correct++;
            }

            logLoss -= Math.Log(Math.Clamp(row[actual], Epsilon, 1 - Epsilon));
        }

        // Averaged over the classes that occur in the truth or the predictions, as scikit-learn does.
        var present = Enumerable.Range(0, classes).Where(k => actualCounts[k] + predictedCounts[k] > 0).ToList();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.MacroF1] = present.Average(k => 2.0 * truePositives[k] / (actualCounts[k] + predictedCounts[k])),
            [MetricNames.Accuracy] = correct / (double)rows.Length,
            [MetricNames.LogLoss] = logLoss / rows.Length,
        };
    }

    private static Dictionary<string, double> Regression(float[] label, double[] predicted, int[] rows)
    {
        double mean = rows.Average(i => (double)label[i]);
        double squared = 0, absolute = 0, total = 0;
        foreach (int i in rows)
        {
            double error = label[i] - predicted[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (label[i] - mean) * (label[i] - mean);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Rmse] = Math.Sqrt(squared / rows.Length),
            [MetricNames.Mae] = absolute / rows.Length,
        };
        if (total > 0)
        {
            metrics[MetricNames.R2] = 1 - (squared / total);
        }

        return metrics;
    }

    private static double PositiveRate(double[] probability, int[] rows) => rows.Count(i => Positive(probability[i])) / (double)rows.Length;

    private static double? Recall(float[] label, double[] probability, int[] rows)
    {
        var positives = rows.Where(i => label[i] > 0.5f).ToList();
        return positives.Count == 0 ? null : positives.Count(i => Positive(probability[i])) / (double)positives.Count;
    }

    private static FairnessMetrics Fairness(Dictionary<string, GroupMetrics> groups)
    {
        var lowest = groups.MinBy(g => g.Value.PositiveRate!.Value);
        var highest = groups.MaxBy(g => g.Value.PositiveRate!.Value);
        double max = highest.Value.PositiveRate!.Value;
        double disparateImpact = max == 0 ? 1 : lowest.Value.PositiveRate!.Value / max;
        var rates = groups.Values.Where(g => g.TruePositiveRate is not null).Select(g => g.TruePositiveRate!.Value).ToList();
        double equalOpportunity = rates.Count == 0 ? 0 : rates.Max() - rates.Min();
        return new FairnessMetrics(disparateImpact, equalOpportunity, lowest.Key, highest.Key);
    }
}
