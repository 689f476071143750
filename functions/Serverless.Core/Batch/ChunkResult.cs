namespace Serverless.Core.Batch;

/// <summary>What scoring one chunk did.</summary>
/// <param name="Index">The chunk.</param>
/// <param name="Rows">Rows it holds.</param>
/// <param name="Failed">Rows that could not be scored (listed in the errors file).</param>
/// <param name="Reasons">Failed rows per reason, for the summary (the errors file has every row).</param>
/// <param name="Reused">Whether its output was already there from an earlier attempt, so it was not scored again.</param>
public sealed record ChunkResult(int Index, int Rows, int Failed, IReadOnlyDictionary<string, int> Reasons, bool Reused);
