namespace Serverless.Core.Batch;

/// <summary>One chunk of the input: a range of data rows and where they are in the file.</summary>
/// <param name="Index">The chunk's number, from 0; its output is <c>part-{Index:D5}</c>.</param>
/// <param name="FirstRow">The 1-based number of its first data row (the header is not counted).</param>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="Offset">CSV: the byte offset of its first row. Parquet: the rows of its row group before it.</param>
/// <param name="Length">CSV: its length in bytes. Parquet: unused (0).</param>
/// <param name="RowGroup">Parquet: its row group. CSV: unused (0).</param>
public sealed record BatchChunk(int Index, long FirstRow, int Rows, long Offset, long Length, int RowGroup);
