namespace Serverless.Cli.Api;

/// <summary>The body of approve, reject, terminate and rollback.</summary>
/// <param name="Reason">Why, recorded with the decision.</param>
internal sealed record ReasonRequest(string Reason);
