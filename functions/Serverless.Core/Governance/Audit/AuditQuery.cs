namespace Serverless.Core.Governance.Audit;

/// <summary>Which entries to read; every filter given must match.</summary>
/// <param name="Model">Only this model's chain.</param>
/// <param name="ActorSubject">Only entries by this subject.</param>
/// <param name="Action">Only this action.</param>
/// <param name="From">Only entries at or after this time.</param>
/// <param name="To">Only entries before this time.</param>
public sealed record AuditQuery(
    string? Model = null,
    string? ActorSubject = null,
    string? Action = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);
