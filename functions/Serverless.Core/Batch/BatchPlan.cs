namespace Serverless.Core.Batch;

/// <summary>How a batch's input splits: its columns, its rows and its chunks.</summary>
/// <param name="Columns">The input's columns, in order.</param>
/// <param name="Rows">Data rows in all.</param>
/// <param name="Chunks">The chunks, in order.</param>
/// <param name="ETag">The input's ETag when it was planned: every chunk reads that version of the file or fails.</param>
public sealed record BatchPlan(IReadOnlyList<string> Columns, long Rows, IReadOnlyList<BatchChunk> Chunks, string? ETag = null);
