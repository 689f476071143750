using System.Text.Json.Serialization;

namespace Serverless.Core.Batch;

/// <summary>A batch as <c>GET /models/{name}/batches/{id}</c> shows it.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Input">The input, <c>container/path</c>.</param>
/// <param name="Output">The output prefix, <c>container/prefix</c>.</param>
/// <param name="State"><c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Step">While running: <c>planning</c>, <c>scoring</c> or <c>finishing</c>.</param>
/// <param name="ChunksDone">Chunks scored.</param>
/// <param name="ChunksTotal">Chunks in all (0 until planned).</param>
/// <param name="Summary">Once ended: the summary (also in <c>_summary.json</c>).</param>
/// <param name="Failure">Why it failed, when it did.</param>
public sealed record BatchStatus(
    [property: JsonPropertyName("batchId")] string BatchId,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("step")] string? Step,
    [property: JsonPropertyName("chunksDone")] int ChunksDone,
    [property: JsonPropertyName("chunksTotal")] int ChunksTotal,
    [property: JsonPropertyName("summary")] BatchSummary? Summary,
    [property: JsonPropertyName("failure")] string? Failure);
