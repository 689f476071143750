namespace Serverless.Core.Governance.Identity;

/// <summary>What validating a bearer token found: the caller, or why the token is refused.</summary>
/// <param name="Actor">The caller, when the token is valid.</param>
/// <param name="Error">Why the token is refused (the caller's to fix), when it is not valid.</param>
/// <param name="Unavailable">True when the identity provider's keys could not be fetched: the platform's fault, not the caller's.</param>
public sealed record TokenCheck(Actor? Actor, string? Error, bool Unavailable = false);
