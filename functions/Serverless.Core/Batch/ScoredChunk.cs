using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serverless.Core.Batch;

/// <summary>What scoring a chunk's table gave: the output columns for its kept rows, the rows the model refused, and every row that could not be scored.</summary>
internal sealed class ScoredChunk
{
    private readonly Dictionary<string, OutputColumn> _byName = new(StringComparer.Ordinal);

    /// <summary>Scoring of <paramref name="table"/>: its read errors so far, no outputs yet.</summary>
    public ScoredChunk(BatchTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        Refused = new bool[table.Count];
        Errors = [.. table.Errors];
    }

    /// <summary>The table scored.</summary>
    public BatchTable Table { get; }

    /// <summary>The output columns (<c>label</c>, <c>probability_{class}</c>, <c>value</c>), in the order first met.</summary>
    public List<OutputColumn> OutputColumns { get; } = [];

    /// <summary>For each kept row of the table, whether the model refused it (it is in <see cref="Errors"/> and not in the output).</summary>
    public bool[] Refused { get; }

    /// <summary>Rows scored.</summary>
    public int ScoredCount => Table.Count - Refused.Count(r => r);

    /// <summary>The rows that could not be scored: their number in the file, the kind of fault (the summary counts by it) and why.</summary>
    public List<(long RowNumber, string Kind, string Reason)> Errors { get; }

    /// <summary>The column <paramref name="name"/>, added with <paramref name="type"/> when it is new.</summary>
    public OutputColumn Column(string name, TensorElementType type)
    {
        if (!_byName.TryGetValue(name, out var column))
        {
            column = new OutputColumn(name, type, Table.Count);
            _byName.Add(name, column);
            OutputColumns.Add(column);
        }

        return column;
    }

    /// <summary>Marks kept row <paramref name="row"/> as refused by the model, with the reason.</summary>
    public void Refuse(int row, string reason)
    {
        Refused[row] = true;
        Errors.Add((Table.RowNumbers[row], "refused by the model", reason));
    }
}
