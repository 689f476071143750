using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Core.Scoring;

/// <summary>A score request message: <c>{"model", "alias" | "version", "rows": [{feature: value}], "correlationId", "replyQueue"}</c>.</summary>
/// <param name="Model">The model.</param>
/// <param name="Alias">The alias to score with (<c>production</c> when neither it nor a version is given).</param>
/// <param name="Version">The version to score with.</param>
/// <param name="Rows">The rows, as the records API takes them.</param>
/// <param name="CorrelationId">The caller's id, returned with the result.</param>
/// <param name="ReplyQueue">Where the result goes; <c>Scoring__ResultQueue</c> when not given.</param>
public sealed record ScoreRequest(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("alias")] string? Alias,
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("rows")] JsonElement Rows,
    [property: JsonPropertyName("correlationId")] string? CorrelationId,
    [property: JsonPropertyName("replyQueue")] string? ReplyQueue);
