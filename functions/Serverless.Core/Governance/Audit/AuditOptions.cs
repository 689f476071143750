namespace Serverless.Core.Governance.Audit;

/// <summary>Where the audit log lives (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Audit";

    /// <summary>The audit table: one hash chain (partition) per model, and one for the platform's other actions.</summary>
    public string Table { get; set; } = "audit";
}
