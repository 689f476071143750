using System.Text.Json.Serialization;

namespace Serverless.Core.Batch;

/// <summary>A request to score a file: <c>{"input": "container/path.csv", "output": "container/prefix", "alias" | "version"}</c>.</summary>
/// <param name="Input">The input blob, <c>container/path</c>, ending in <c>.csv</c> or <c>.parquet</c>.</param>
/// <param name="Output">Where the outputs go, <c>container/prefix</c>; nothing may be under it yet.</param>
/// <param name="Alias">The alias whose version scores the batch (resolved once, at start); <c>production</c> when neither is given.</param>
/// <param name="Version">The version that scores the batch.</param>
public sealed record BatchRequest(
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("output")] string? Output,
    [property: JsonPropertyName("alias")] string? Alias = null,
    [property: JsonPropertyName("version")] int? Version = null);
