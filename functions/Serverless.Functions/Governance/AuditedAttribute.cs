namespace Serverless.Functions.Governance;

/// <summary>
/// Marks an HTTP function as a governed action: <see cref="AuditMiddleware"/> appends every call of it to the audit
/// log, refusals included. <see cref="Action"/> is one of <c>AuditActions</c>; a <c>{name}</c> in it is replaced by
/// that route value (<c>retraining.{decision}</c> gives <c>retraining.approve</c> or <c>retraining.reject</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AuditedAttribute(string action) : Attribute
{
    /// <summary>The action recorded.</summary>
    public string Action { get; } = action;
}
