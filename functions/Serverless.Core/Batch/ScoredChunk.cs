using System.Text.Json;

namespace Serverless.Core.Batch;

/// <summary>
/// What scoring a chunk gave: the rows scored with their predictions, and the rows that could not be. The predictions
/// point into the run's JSON documents, which it keeps until disposed (no copy per value).
/// </summary>
internal sealed class ScoredChunk : IDisposable
{
    /// <summary>The documents the predictions' values live in.</summary>
    public List<JsonDocument> Documents { get; } = [];

    /// <summary>The output columns the predictions fill (<c>label</c>, <c>probability_{class}</c>, <c>value</c>), in order.</summary>
    public List<string> OutputColumns { get; } = [];

    /// <summary>The scored rows: their index in the chunk's table, prediction id and output values by column.</summary>
    public List<(int Row, string PredictionId, Dictionary<string, JsonElement> Outputs)> Scored { get; } = [];

    /// <summary>The rows that could not be scored: their number in the file, the kind of fault (the summary counts by it) and why.</summary>
    public List<(long RowNumber, string Kind, string Reason)> Errors { get; } = [];

    /// <inheritdoc/>
    public void Dispose() => Documents.ForEach(d => d.Dispose());
}
