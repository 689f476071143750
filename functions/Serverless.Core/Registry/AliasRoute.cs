using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>
/// Where an alias sends its traffic: the version it points at, optionally a canary version that takes a share of the
/// requests, and optionally a shadow version that gets a copy of them (its answers are compared, never returned).
/// </summary>
/// <param name="Alias">The alias.</param>
/// <param name="Version">The version the alias points at (it answers every request the canary does not take).</param>
/// <param name="CanaryVersion">The canary version, if one is running.</param>
/// <param name="CanaryWeight">The canary's share of the requests, above 0 and below 1, when one is running.</param>
/// <param name="ShadowVersion">The shadow version, if one is set.</param>
public sealed record AliasRoute(
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("canaryVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CanaryVersion = null,
    [property: JsonPropertyName("canaryWeight"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CanaryWeight = null,
    [property: JsonPropertyName("shadowVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ShadowVersion = null)
{
    /// <summary>Whether the alias splits or copies its traffic (a canary or a shadow is set).</summary>
    [JsonIgnore]
    public bool IsSplit => CanaryVersion is not null || ShadowVersion is not null;
}
