namespace Serverless.Core.Batch;

/// <summary>One chunk to score: the batch, the input's columns and the chunk.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Columns">The input's columns (a CSV chunk has no header line of its own).</param>
/// <param name="Chunk">The chunk.</param>
/// <param name="ETag">The input's ETag when it was planned; a chunk of a file changed since fails the batch.</param>
public sealed record ChunkWork(BatchInput Batch, IReadOnlyList<string> Columns, BatchChunk Chunk, string? ETag = null);
