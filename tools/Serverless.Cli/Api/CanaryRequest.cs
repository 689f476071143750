namespace Serverless.Cli.Api;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}/canary</c>.</summary>
/// <param name="Version">The canary version.</param>
/// <param name="Weight">Its share of the alias's requests, above 0 and below 1.</param>
/// <param name="Reason">Why, recorded in the alias history.</param>
internal sealed record CanaryRequest(int Version, double Weight, string? Reason);
