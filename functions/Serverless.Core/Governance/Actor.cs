using System.Text.Json.Serialization;

namespace Serverless.Core.Governance;

/// <summary>
/// Who did something: from a validated token (its subject, name and roles), or the platform itself for actions it takes
/// on its own (a scheduled retraining, the monitoring guardrail).
/// </summary>
/// <param name="Subject">The token's subject (<c>sub</c>, or <c>oid</c> for Entra ID), or <c>platform:{component}</c>.</param>
/// <param name="Name">A readable name (<c>name</c>, <c>preferred_username</c>, or the application id), or the component.</param>
/// <param name="Roles">The roles the token carries (<see cref="PlatformRoles"/>); none for the platform.</param>
public sealed record Actor(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles)
{
    /// <summary>The platform acting on its own, as <paramref name="component"/> (e.g. <c>monitoring guardrail</c>).</summary>
    public static Actor Platform(string component) => new("platform:" + component, component, []);
}
