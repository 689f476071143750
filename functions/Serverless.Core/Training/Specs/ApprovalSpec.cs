using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>Who lets a candidate that passed its gates into production.</summary>
/// <param name="Mode"><c>automatic</c> (default) or <c>manual</c>.</param>
/// <param name="Timeout">For manual approval, how long to wait before the candidate is rejected, as <c>d.hh:mm:ss</c> (default 1 day, at most 30 days).</param>
public sealed record ApprovalSpec(
    [property: JsonPropertyName("mode")] string? Mode = null,
    [property: JsonPropertyName("timeout")] TimeSpan? Timeout = null);
