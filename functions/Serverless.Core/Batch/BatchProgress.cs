using System.Text.Json.Serialization;

namespace Serverless.Core.Batch;

/// <summary>A running batch's custom status: its state and chunks done out of the total.</summary>
/// <param name="State"><c>planning</c>, <c>scoring</c> or <c>finishing</c>.</param>
/// <param name="ChunksDone">Chunks scored.</param>
/// <param name="ChunksTotal">Chunks in all (0 while planning).</param>
public sealed record BatchProgress(
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("chunksDone")] int ChunksDone,
    [property: JsonPropertyName("chunksTotal")] int ChunksTotal);
