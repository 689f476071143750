namespace Serverless.Core.Batch;

/// <summary>The batch orchestration's input: everything fixed at start, the pinned version included.</summary>
/// <param name="BatchId">The orchestration instance id.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The version pinned at start; the whole batch is scored by it.</param>
/// <param name="InputContainer">The input blob's container.</param>
/// <param name="InputPath">The input blob's path.</param>
/// <param name="OutputContainer">The output container.</param>
/// <param name="OutputPrefix">The output prefix (no trailing slash).</param>
/// <param name="Format"><c>csv</c> or <c>parquet</c>, from the input's extension.</param>
/// <param name="ChunkRows">Rows per chunk, fixed at start.</param>
/// <param name="MaxParallelChunks">Chunks scored at once.</param>
/// <param name="StartedBy">Who started it (a subject, or <c>platform:...</c>).</param>
public sealed record BatchInput(
    string BatchId,
    string Model,
    int Version,
    string InputContainer,
    string InputPath,
    string OutputContainer,
    string OutputPrefix,
    string Format,
    int ChunkRows,
    int MaxParallelChunks,
    string StartedBy);
