using System.Text.Json.Serialization;

namespace Serverless.Core.Registry;

/// <summary>A model: its versions, where its aliases point, and how they moved.</summary>
/// <remarks><see cref="Routes"/> lists the aliases that split or copy their traffic (a canary or a shadow); null when none does.</remarks>
public sealed record ModelInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("latestVersion")] int LatestVersion,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("aliases")] IReadOnlyDictionary<string, int> Aliases,
    [property: JsonPropertyName("versions")] IReadOnlyList<ModelVersionInfo> Versions,
    [property: JsonPropertyName("aliasHistory")] IReadOnlyList<AliasChange> AliasHistory,
    [property: JsonPropertyName("events")] IReadOnlyList<ModelEvent> Events,
    [property: JsonPropertyName("routes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AliasRoute>? Routes = null);
