namespace Serverless.Core.Governance.Audit;

/// <summary>The governed actions the audit log records, by name.</summary>
public static class AuditActions
{
    /// <summary>A model version registered (upload or by reference).</summary>
    public const string ModelRegister = "model.register";

    /// <summary>A model spec written.</summary>
    public const string SpecPut = "spec.put";

    /// <summary>A training dataset uploaded.</summary>
    public const string DatasetUpload = "dataset.upload";

    /// <summary>A retraining started (HTTP, schedule or "new data" message).</summary>
    public const string RetrainingStart = "retraining.start";

    /// <summary>A candidate approved.</summary>
    public const string RetrainingApprove = "retraining.approve";

    /// <summary>A candidate rejected.</summary>
    public const string RetrainingReject = "retraining.reject";

    /// <summary>A retraining terminated.</summary>
    public const string RetrainingTerminate = "retraining.terminate";

    /// <summary>The retraining line promoted its candidate to production.</summary>
    public const string RetrainingPromote = "retraining.promote";

    /// <summary>An alias moved by hand (production, canary, shadow...).</summary>
    public const string AliasSet = "alias.set";

    /// <summary>Production rolled back by an operator.</summary>
    public const string AliasRollback = "alias.rollback";

    /// <summary>An alias's canary started or changed (version and weight).</summary>
    public const string CanarySet = "alias.canary.set";

    /// <summary>An alias's canary promoted: it became the alias's version.</summary>
    public const string CanaryPromote = "alias.canary.promote";

    /// <summary>An alias's canary aborted.</summary>
    public const string CanaryAbort = "alias.canary.abort";

    /// <summary>An alias's shadow version set or changed.</summary>
    public const string ShadowSet = "alias.shadow.set";

    /// <summary>An alias's shadow version stopped.</summary>
    public const string ShadowStop = "alias.shadow.stop";

    /// <summary>Production rolled back by the monitoring guardrail.</summary>
    public const string GuardrailRollback = "guardrail.rollback";

    /// <summary>A monitoring evaluation requested by hand.</summary>
    public const string MonitoringEvaluate = "monitoring.evaluate";

    /// <summary>A batch scoring run started over HTTP.</summary>
    public const string BatchStart = "batch.start";
}
