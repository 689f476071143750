namespace Serverless.Cli.Api;

/// <summary>The body of a canary's promotion or abort and a shadow's stop: an optional reason.</summary>
/// <param name="Reason">Why, recorded in the alias history; left out when null.</param>
internal sealed record OptionalReasonRequest(string? Reason);
