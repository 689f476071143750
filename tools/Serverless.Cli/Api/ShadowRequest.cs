namespace Serverless.Cli.Api;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}/shadow</c>.</summary>
/// <param name="Version">The shadow version.</param>
/// <param name="Reason">Why, recorded in the alias history.</param>
internal sealed record ShadowRequest(int Version, string? Reason);
