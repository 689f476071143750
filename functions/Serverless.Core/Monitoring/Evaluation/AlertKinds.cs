namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>What an alert is about.</summary>
public static class AlertKinds
{
    /// <summary>A feature's live values drifted from its training distribution (a warning: rolling back does not change inputs).</summary>
    public const string DataDrift = "data-drift";

    /// <summary>The predictions drifted from their distribution on the holdout (a breach).</summary>
    public const string PredictionDrift = "prediction-drift";

    /// <summary>A control chart signalled (a breach).</summary>
    public const string ControlLimit = "control-limit";

    /// <summary>The guardrail rolled the model back.</summary>
    public const string GuardrailRollback = "guardrail-rollback";

    /// <summary>The guardrail aborted an alias's canary version that breached (the alias keeps its version).</summary>
    public const string GuardrailCanaryAbort = "guardrail-canary-abort";

    /// <summary>The guardrail stopped an alias's shadow version whose answers breached.</summary>
    public const string GuardrailShadowStop = "guardrail-shadow-stop";

    /// <summary>The guardrail would roll back (or end a canary or shadow) but cannot (no earlier version, policy <c>alert</c>, or production moved).</summary>
    public const string GuardrailHeld = "guardrail-held";
}
