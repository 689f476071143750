using System.Buffers;
using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.ML.OnnxRuntime.Tensors;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Serverless.Core.Batch;

/// <summary>
/// Reads a batch's input (CSV with CsvHelper, Parquet with Parquet.Net) chunk by chunk and writes each chunk's output in
/// the same format: the input's columns, then <c>row_number</c>, <c>prediction_id</c>, <c>model_version</c> and the
/// outputs. A CSV is split by byte ranges found in one pass, so a chunk reads only its own bytes; a Parquet file by
/// row groups (and ranges of rows within a large one).
/// </summary>
internal static class BatchFiles
{
    /// <summary>The CSV format.</summary>
    public const string Csv = "csv";

    /// <summary>The Parquet format.</summary>
    public const string Parquet = "parquet";

    /// <summary>The columns a batch adds before the outputs.</summary>
    public static readonly string[] AddedColumns = ["row_number", "prediction_id", "model_version"];

    /// <summary>The format of a blob path by its extension, or null for one batch scoring does not read.</summary>
    public static string? FormatOf(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Csv
        : path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? Parquet
        : null;

    /// <summary>Reads a CSV's header line and the byte range of each chunk of <paramref name="chunkRows"/> rows.</summary>
    /// <exception cref="BatchInputException">It is not UTF-8 CSV with a header and at least one row.</exception>
    public static BatchPlan PlanCsv(Stream data, long length, int chunkRows, CancellationToken cancellationToken)
    {
        List<string>? columns = null;
        var starts = new List<long>();
        long rows = 0;
        Read(data, (reader, _) =>
        {
            if (columns is null)
            {
                columns = Header(reader);
                return;
            }

            if (rows % chunkRows == 0)
            {
                starts.Add(reader.ByteOffset);
            }

            rows++;
        }, cancellationToken);

        if (columns is null)
        {
            throw new BatchInputException("The CSV is empty: it needs a header line naming the columns and at least one row.");
        }

        if (rows == 0)
        {
            throw new BatchInputException("The CSV has a header line but no rows.");
        }

        var chunks = new List<BatchChunk>(starts.Count);
        for (int i = 0; i < starts.Count; i++)
        {
            long end = i + 1 < starts.Count ? starts[i + 1] : length;
            int count = (int)Math.Min(chunkRows, rows - ((long)i * chunkRows));
            chunks.Add(new BatchChunk(i, ((long)i * chunkRows) + 1, count, starts[i], end - starts[i], 0));
        }

        return new BatchPlan(columns, rows, chunks);
    }

    /// <summary>Reads the header line of a CSV from the start of its bytes (the rest may be cut off anywhere).</summary>
    /// <exception cref="BatchInputException">There is no header line, or it names a column twice or not at all.</exception>
    public static List<string> ReadCsvHeader(Stream start)
    {
        try
        {
            using var reader = CsvReader.Create(start, new CsvReaderOptions { Separator = ',', HasHeader = false, TrimWhitespace = true }, leaveOpen: true);
            return reader.Read() ? Header(reader) : throw new BatchInputException("The CSV is empty: it needs a header line naming the columns and at least one row.");
        }
        catch (CsvFormatException ex)
        {
            throw new BatchInputException($"The CSV's header line cannot be parsed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a CSV chunk (its bytes only, no header line) of a file with <paramref name="columns"/> into a table for <paramref name="model"/>.</summary>
    /// <exception cref="BatchInputException">The bytes are not UTF-8 CSV, or a feature has no column.</exception>
    public static BatchTable ReadCsvChunk(Stream data, IReadOnlyList<string> columns, BatchChunk chunk, BatchModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var table = new BatchTable(columns, model, chunk.Rows);
        long row = chunk.FirstRow;
        Read(data, (reader, _) =>
        {
            if (table.RowsRead < chunk.Rows)
            {
                table.AddCsvRecord(reader, row++);
            }
        }, cancellationToken);
        return table;
    }

    /// <summary>Reads a Parquet file's columns and splits its row groups into chunks of at most <paramref name="chunkRows"/> rows.</summary>
    /// <exception cref="BatchInputException">It is not a Parquet file this reader can read, or has no rows.</exception>
    public static async Task<BatchPlan> PlanParquetAsync(Stream data, int chunkRows, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(data, leaveStreamOpen: true, cancellationToken: cancellationToken);
            var columns = reader.Schema.Fields.Select(f => f.Name).ToList();
            var chunks = new List<BatchChunk>();
            long rows = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                for (long offset = 0; offset < group.RowCount; offset += chunkRows)
                {
                    int count = (int)Math.Min(chunkRows, group.RowCount - offset);
                    chunks.Add(new BatchChunk(chunks.Count, rows + offset + 1, count, offset, 0, g));
                }

                rows += group.RowCount;
            }

            return rows == 0 ? throw new BatchInputException("The Parquet file has no rows.") : new BatchPlan(columns, rows, chunks);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or BatchInputException or Azure.RequestFailedException))
        {
            throw new BatchInputException($"The file is not a Parquet file this reader can read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a Parquet file's columns from its schema (the footer), not its data.</summary>
    /// <exception cref="BatchInputException">It is not a Parquet file this reader can read.</exception>
    public static async Task<List<string>> ReadParquetColumnsAsync(Stream data, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(data, leaveStreamOpen: true, cancellationToken: cancellationToken);
            return [.. reader.Schema.Fields.Select(f => f.Name)];
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or Azure.RequestFailedException))
        {
            throw new BatchInputException($"The file is not a Parquet file this reader can read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a Parquet chunk (its rows of its row group) into a table for <paramref name="model"/>.</summary>
    /// <exception cref="BatchInputException">The file cannot be read, or a feature has no column.</exception>
    public static async Task<BatchTable> ReadParquetChunkAsync(Stream data, BatchChunk chunk, BatchModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        DeserializationResult<Dictionary<string, object>> result;
        try
        {
            result = await ParquetSerializer.DeserializeUntypedAsync(data, rowGroupIndex: chunk.RowGroup, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or Azure.RequestFailedException))
        {
            throw new BatchInputException($"The file is not a Parquet file this reader can read: {ex.Message}", ex);
        }

        var columns = result.Schema.Fields.Select(f => f.Name).ToList();
        var table = new BatchTable(columns, model, chunk.Rows, result.Schema);
        for (int r = 0; r < chunk.Rows; r++)
        {
            table.AddRecord(result.Data[(int)chunk.Offset + r], chunk.FirstRow + r);
        }

        return table;
    }

    /// <summary>Writes the scored rows of a chunk in <paramref name="format"/>: the input's cells, then the added columns and the outputs.</summary>
    public static async Task WriteAsync(Stream destination, string format, ScoredChunk scored, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var table = scored.Table;

        // An output named like an input column keeps the input's name free.
        var outputNames = scored.OutputColumns.ConvertAll(c => table.Columns.Contains(c.Name, StringComparer.Ordinal) || AddedColumns.Contains(c.Name, StringComparer.Ordinal) ? "predicted_" + c.Name : c.Name);
        if (format == Csv)
        {
            var output = new ArrayBufferWriter<byte>(Math.Max(1024, table.Count * 128));
            WriteCsv(output, scored, version, outputNames);
            await destination.WriteAsync(output.WrittenMemory, cancellationToken);
        }
        else
        {
            await WriteParquetAsync(destination, scored, version, outputNames, cancellationToken);
        }
    }

    /// <summary>Writes the errors of a chunk as CSV lines <c>row_number,reason</c> (with the header when <paramref name="header"/>).</summary>
    public static void WriteErrors(Stream destination, IEnumerable<(long RowNumber, string Reason)> errors, bool header)
    {
        using var writer = CsvWriter.Create(destination, new CsvWriterOptions { Separator = ',' }, leaveOpen: true);
        if (header)
        {
            writer.WriteRecord(["row_number", "reason"]);
        }

        foreach (var (row, reason) in errors)
        {
            writer.WriteRecord([row.ToString(CultureInfo.InvariantCulture), reason]);
        }
    }

    /// <summary>Reads an errors file written by <see cref="WriteErrors"/> (without its header).</summary>
    public static List<(long RowNumber, string Reason)> ReadErrors(Stream data, CancellationToken cancellationToken)
    {
        var errors = new List<(long, string)>();
        Read(data, (reader, _) => errors.Add((long.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetString(1))), cancellationToken);
        return errors;
    }

    /// <summary>Writes the CSV part: the header line, then each scored row's own bytes followed by the added fields and the outputs.</summary>
    public static void WriteCsv(ArrayBufferWriter<byte> output, ScoredChunk scored, int version, List<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(outputNames);
        var table = scored.Table;
        string[] header = [.. table.Columns, .. AddedColumns, .. outputNames];
        for (int i = 0; i < header.Length; i++)
        {
            if (i > 0)
            {
                CsvText.Write(output, ","u8);
            }

            CsvText.WriteField(output, header[i]);
        }

        CsvText.Write(output, CsvText.NewLine);
        byte[] versionText = Encoding.UTF8.GetBytes("," + version.ToString(CultureInfo.InvariantCulture));
        var columns = scored.OutputColumns;
        var ids = new PredictionIds(table.Count, DateTimeOffset.UtcNow);
        for (int row = 0; row < table.Count; row++)
        {
            if (scored.Refused[row])
            {
                continue;
            }

            CsvText.Write(output, table.RawRow(row));
            var span = output.GetSpan(64);
            span[0] = (byte)',';
            table.RowNumbers[row].TryFormat(span[1..], out int written, default, CultureInfo.InvariantCulture);
            span[++written] = (byte)',';
            ids.Next().TryFormat(span[++written..], out int id);
            output.Advance(written + id);
            CsvText.Write(output, versionText);
            foreach (var column in columns)
            {
                CsvText.Write(output, ","u8);
                column.WriteCsv(row, output);
            }

            CsvText.Write(output, CsvText.NewLine);
        }
    }

    private static async Task WriteParquetAsync(Stream destination, ScoredChunk scored, int version, List<string> outputNames, CancellationToken cancellationToken)
    {
        var table = scored.Table;
        var fields = new List<Field>(table.Schema!.Fields)
        {
            new DataField<long>("row_number"),
            new DataField<string>("prediction_id"),
            new DataField<int>("model_version"),
        };
        for (int i = 0; i < outputNames.Count; i++)
        {
            fields.Add(scored.OutputColumns[i].Type switch
            {
                TensorElementType.Float => new DataField<float?>(outputNames[i]),
                TensorElementType.Double => new DataField<double?>(outputNames[i]),
                TensorElementType.Int64 => new DataField<long?>(outputNames[i]),
                TensorElementType.Bool => new DataField<bool?>(outputNames[i]),
                _ => new DataField<string>(outputNames[i]),
            });
        }

        var rows = new List<IDictionary<string, object?>>(table.Count);
        var ids = new PredictionIds(table.Count, DateTimeOffset.UtcNow);
        for (int row = 0; row < table.Count; row++)
        {
            if (scored.Refused[row])
            {
                continue;
            }

            var record = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (string column in table.Columns)
            {
                record[column] = table.Records[row].GetValueOrDefault(column);
            }

            record["row_number"] = table.RowNumbers[row];
            record["prediction_id"] = ids.Next().ToString();
            record["model_version"] = version;
            for (int i = 0; i < outputNames.Count; i++)
            {
                record[outputNames[i]] = scored.OutputColumns[i].Value(row);
            }

            rows.Add(record);
        }

        await ParquetSerializer.SerializeUntypedAsync(rows, new ParquetSchema(fields), destination, cancellationToken: cancellationToken);
    }

    private static List<string> Header(CsvReader reader)
    {
        var columns = new List<string>(reader.FieldCount);
        for (int i = 0; i < reader.FieldCount; i++)
        {
            string name = reader.GetString(i).Trim();
            if (name.Length == 0 || columns.Contains(name, StringComparer.Ordinal))
            {
                throw new BatchInputException(name.Length == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"Column {i + 1} of the CSV's header line has no name.")
                    : $"The CSV's header line names '{name}' twice.");
            }

            columns.Add(name);
        }

        return columns;
    }

    private static void Read(Stream data, Action<CsvReader, long> onRecord, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        try
        {
            using var reader = CsvReader.Create(data, options, leaveOpen: true);
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                onRecord(reader, reader.ByteOffset);
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new BatchInputException("The file is not UTF-8 text, so it is not a CSV file: save it as UTF-8 CSV.", ex);
        }
        catch (CsvFormatException ex)
        {
            throw new BatchInputException($"The CSV cannot be parsed: {ex.Message}", ex);
        }
    }
}
