namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>The control charts kept per version.</summary>
public static class ControlCharts
{
    /// <summary>The mean prediction (binary: the positive class's probability; regression: the value).</summary>
    public const string PredictionMean = "prediction-mean";

    /// <summary>Binary: the share of predictions that are positive.</summary>
    public const string PositiveRate = "positive-rate";

    /// <summary>Classification: the share of labelled predictions that were wrong.</summary>
    public const string ErrorRate = "error-rate";
}
