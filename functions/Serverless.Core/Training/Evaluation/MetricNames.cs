namespace Serverless.Core.Training.Evaluation;

/// <summary>The metrics the evaluator reports, by task, and which way is better.</summary>
public static class MetricNames
{
    /// <summary>Area under the ROC curve (binary).</summary>
    public const string Auc = "auc";

    /// <summary>Share of correct predictions (binary at threshold 0.5, multiclass).</summary>
    public const string Accuracy = "accuracy";

    /// <summary>F1 of the positive class at threshold 0.5 (binary).</summary>
    public const string F1 = "f1";

    /// <summary>Precision of the positive class (binary).</summary>
    public const string Precision = "precision";

    /// <summary>Recall of the positive class (binary).</summary>
    public const string Recall = "recall";

    /// <summary>Mean negative log-likelihood of the true class (binary, multiclass); lower is better.</summary>
    public const string LogLoss = "logLoss";

    /// <summary>Unweighted mean of per-class F1 (multiclass).</summary>
    public const string MacroF1 = "macroF1";

    /// <summary>Root mean squared error (regression); lower is better.</summary>
    public const string Rmse = "rmse";

    /// <summary>Mean absolute error (regression); lower is better.</summary>
    public const string Mae = "mae";

    /// <summary>Coefficient of determination (regression).</summary>
    public const string R2 = "r2";

    /// <summary>The metrics of a task.</summary>
    public static IReadOnlyList<string> For(string task) => task switch
    {
        Specs.ModelTasks.Binary => [Auc, Accuracy, F1, Precision, Recall, LogLoss],
        Specs.ModelTasks.Multiclass => [MacroF1, Accuracy, LogLoss],
        Specs.ModelTasks.Regression => [Rmse, Mae, R2],
        _ => [],
    };

    /// <summary>The metric a task's regression gate checks when the spec names none.</summary>
    public static string Primary(string task) => task switch
    {
        Specs.ModelTasks.Binary => Auc,
        Specs.ModelTasks.Multiclass => MacroF1,
        _ => Rmse,
    };

    /// <summary>Whether a smaller value of the metric is better.</summary>
    public static bool LowerIsBetter(string metric) => metric is LogLoss or Rmse or Mae;
}
