using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>One recorded move of an alias.</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Version">Where it points now.</param>
/// <param name="PreviousVersion">Where it pointed before, if anywhere.</param>
/// <param name="ChangedAt">When.</param>
/// <param name="ChangedBy">Who or what moved it.</param>
/// <param name="Kind">Why it moved: <see cref="AliasMoveKinds"/>.</param>
/// <param name="Reason">What the mover said, if anything.</param>
/// <param name="CanaryVersion">For a canary's start, promotion or abort: the canary version it concerns.</param>
/// <param name="CanaryWeight">For a canary's start: its share of the traffic.</param>
/// <param name="ShadowVersion">For a shadow's start or stop: the shadow version it concerns.</param>
public sealed record AliasChange(
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("previousVersion")] int? PreviousVersion,
    [property: JsonPropertyName("changedAt")] DateTimeOffset ChangedAt,
    [property: JsonPropertyName("changedBy")] string ChangedBy,
    [property: JsonPropertyName("kind")] string Kind = AliasMoveKinds.Manual,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("canaryVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CanaryVersion = null,
    [property: JsonPropertyName("canaryWeight"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CanaryWeight = null,
    [property: JsonPropertyName("shadowVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ShadowVersion = null);
