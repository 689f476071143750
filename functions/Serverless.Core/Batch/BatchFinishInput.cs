namespace Serverless.Core.Batch;

/// <summary>The last step's input: the batch, its chunks' results (none when it failed before scoring) and how it ended.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Rows">Data rows in the input (0 when it could not be read).</param>
/// <param name="Results">Each chunk's result.</param>
/// <param name="StartedAt">When it started (orchestration time).</param>
/// <param name="FinishedAt">When it ended (orchestration time).</param>
/// <param name="Failure">Why it failed, or null.</param>
public sealed record BatchFinishInput(BatchInput Batch, long Rows, IReadOnlyList<ChunkResult> Results, DateTime StartedAt, DateTime FinishedAt, string? Failure);
