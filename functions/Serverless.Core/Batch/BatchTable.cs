using Parquet.Schema;

namespace Serverless.Core.Batch;

/// <summary>One chunk's rows as read from the file: a cell per column (text from CSV, typed values from Parquet).</summary>
internal sealed class BatchTable(IReadOnlyList<string> columns, ParquetSchema? schema = null)
{
    /// <summary>The columns, in the file's order.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>The Parquet file's schema, written again with the outputs; null for CSV.</summary>
    public ParquetSchema? Schema { get; } = schema;

    /// <summary>Each row's cells, in <see cref="Columns"/> order.</summary>
    public List<object?[]> Cells { get; } = [];

    /// <summary>Each row's 1-based number in the file (the header not counted).</summary>
    public List<long> RowNumbers { get; } = [];

    /// <summary>Each row's problem found while reading (a CSV row with the wrong number of fields), or null.</summary>
    public List<string?> Problems { get; } = [];

    /// <summary>Adds a row.</summary>
    public void Add(object?[] cells, long rowNumber, string? problem = null)
    {
        Cells.Add(cells);
        RowNumbers.Add(rowNumber);
        Problems.Add(problem);
    }
}
