using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>What one evaluation run did.</summary>
/// <param name="Evaluated">Windows evaluated.</param>
/// <param name="Skipped">Windows due but already evaluated or being evaluated elsewhere.</param>
/// <param name="Failed">Windows whose evaluation failed (they stay pending and are retried on the next run).</param>
/// <param name="Waiting">Windows still open or within the evaluation delay.</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Rollbacks">Models the guardrail rolled back.</param>
public sealed record EvaluationRun(
    [property: JsonPropertyName("evaluated")] int Evaluated,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("waiting")] int Waiting,
    [property: JsonPropertyName("alerts")] int Alerts,
    [property: JsonPropertyName("rollbacks")] int Rollbacks);
