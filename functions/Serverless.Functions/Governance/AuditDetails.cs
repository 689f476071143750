namespace Serverless.Functions.Governance;

/// <summary>
/// What only the function knows about its governed action, left for <see cref="AuditMiddleware"/> with
/// <see cref="AuditRecording.Audit"/>: the state before and after, and the target it created.
/// </summary>
/// <param name="Before">The state before (e.g. the version an alias pointed at).</param>
/// <param name="After">The state after.</param>
/// <param name="Version">The model version acted on, when the route does not name it (e.g. the one registered).</param>
/// <param name="Run">The retraining acted on, when the route does not name it (e.g. the one started).</param>
/// <param name="Alias">The alias moved, when the route does not name it.</param>
/// <param name="Reason">What the caller said, when it is not the JSON body's <c>reason</c>.</param>
public sealed record AuditDetails(string? Before = null, string? After = null, int? Version = null, string? Run = null, string? Alias = null, string? Reason = null);
