using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using Microsoft.ML.OnnxRuntime.Tensors;
using Parquet.Schema;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Batch;

/// <summary>
/// One chunk's rows as read, columnar: each feature's cells parsed straight into the model input's element type
/// (<see cref="FeatureBuffer"/>), and what the output repeats of each row (a CSV row's own bytes, a Parquet row's
/// values). A row that cannot be scored (wrong number of fields, a missing or mistyped feature) is not kept: it is
/// listed in <see cref="Errors"/> with its number and the reason, and the rest of the chunk goes on.
/// </summary>
internal sealed class BatchTable
{
    private readonly int[] _featureColumns;
    private readonly string[] _featureNames;
    private readonly bool[] _featureIsText;
    private readonly List<int> _rawEnds = [];
    private byte[] _raw = [];
    private int _rawLength;

    /// <summary>A table for up to <paramref name="capacity"/> rows of a file with <paramref name="columns"/>, for <paramref name="model"/>.</summary>
    /// <exception cref="BatchInputException">A feature of the model has no column.</exception>
    public BatchTable(IReadOnlyList<string> columns, BatchModel model, int capacity, ParquetSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckColumns(columns, model.Inputs.Select(i => i.Name));
        Columns = columns;
        Model = model;
        Schema = schema;
        _featureNames = [.. model.Inputs.Select(i => i.Name)];
        _featureColumns = [.. model.Inputs.Select(i => IndexOf(columns, i.Name))];
        _featureIsText = [.. model.Inputs.Select(i => i.Type == TensorElementType.String)];
        Features = [.. model.Inputs.Select(i => FeatureBuffer.Create(i.Type, capacity))];
    }

    /// <summary>The columns, in the file's order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The model the features are read for.</summary>
    public BatchModel Model { get; }

    /// <summary>The Parquet file's schema, written again with the outputs; null for CSV.</summary>
    public ParquetSchema? Schema { get; }

    /// <summary>Each input's values for the rows kept, in <see cref="BatchModel.Inputs"/> order.</summary>
    public IReadOnlyList<FeatureBuffer> Features { get; }

    /// <summary>Rows read, kept or not.</summary>
    public int RowsRead { get; private set; }

    /// <summary>Rows kept for scoring.</summary>
    public int Count => RowNumbers.Count;

    /// <summary>Each kept row's 1-based number in the file (the header not counted).</summary>
    public List<long> RowNumbers { get; } = [];

    /// <summary>A Parquet file's kept rows' values by column; empty for CSV.</summary>
    public List<Dictionary<string, object>> Records { get; } = [];

    /// <summary>The rows that cannot be scored: their number, the kind of fault (the summary counts by it) and why.</summary>
    public List<(long RowNumber, string Kind, string Reason)> Errors { get; } = [];

    /// <summary>Checks that the file has a column for every input the model takes.</summary>
    /// <exception cref="BatchInputException">A feature has no column; the message names every one.</exception>
    public static void CheckColumns(IReadOnlyList<string> columns, IEnumerable<string> features)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var missing = features.Where(f => !columns.Contains(f, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new BatchInputException($"The file has no column for the model's feature(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; its columns are: {string.Join(", ", columns)}.");
        }
    }

    /// <summary>The bytes of kept CSV row <paramref name="row"/> as they were in the file (no line break).</summary>
    public ReadOnlySpan<byte> RawRow(int row)
    {
        int start = row == 0 ? 0 : _rawEnds[row - 1];
        return _raw.AsSpan(start, _rawEnds[row] - start);
    }

    /// <summary>Reads the reader's current CSV record as row <paramref name="rowNumber"/>.</summary>
    /// <exception cref="BatchInputException">The record is not UTF-8 text.</exception>
    public void AddCsvRecord(CsvReader reader, long rowNumber)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RowsRead++;
        var raw = reader.RawRecord;
        if (!Utf8.IsValid(raw))
        {
            throw new BatchInputException("The file is not UTF-8 text, so it is not a CSV file: save it as UTF-8 CSV.");
        }

        if (reader.FieldCount != Columns.Count)
        {
            Errors.Add((rowNumber, "malformed row", string.Create(CultureInfo.InvariantCulture, $"the row has {reader.FieldCount} fields; the header has {Columns.Count}")));
            return;
        }

        for (int f = 0; f < Features.Count; f++)
        {
            var cell = reader.GetSpan(_featureColumns[f]);
            if (cell.IsEmpty && !_featureIsText[f])
            {
                Missing(rowNumber, f);
                return;
            }

            if (!Features[f].TryAdd(cell))
            {
                NotExpected(rowNumber, f, Encoding.UTF8.GetString(cell));
                return;
            }
        }

        if (_rawLength + raw.Length > _raw.Length)
        {
            Array.Resize(ref _raw, Math.Max(Math.Max(_raw.Length * 2, 4096), _rawLength + raw.Length));
        }

        raw.CopyTo(_raw.AsSpan(_rawLength));
        _rawLength += raw.Length;
        _rawEnds.Add(_rawLength);
        RowNumbers.Add(rowNumber);
    }

    /// <summary>Reads a Parquet row (values by column; a null value is a missing one) as row <paramref name="rowNumber"/>.</summary>
    public void AddRecord(Dictionary<string, object> record, long rowNumber)
    {
        ArgumentNullException.ThrowIfNull(record);
        RowsRead++;
        for (int f = 0; f < Features.Count; f++)
        {
            record.TryGetValue(_featureNames[f], out object? cell);
            if (cell is null || (!_featureIsText[f] && cell is string text && string.IsNullOrWhiteSpace(text)))
            {
                Missing(rowNumber, f);
                return;
            }

            if (!Features[f].TryAdd(cell))
            {
                NotExpected(rowNumber, f, TabularReader.Text(cell) ?? string.Empty);
                return;
            }
        }

        Records.Add(record);
        RowNumbers.Add(rowNumber);
    }

    private void Missing(long rowNumber, int failed)
    {
        TakeBack(failed);
        Errors.Add((rowNumber, $"missing feature '{_featureNames[failed]}'", $"feature '{_featureNames[failed]}' is missing"));
    }

    private void NotExpected(long rowNumber, int failed, string cell)
    {
        TakeBack(failed);
        string expected = Features[failed].Expected;
        Errors.Add((rowNumber, $"feature '{_featureNames[failed]}' is not {expected}", $"feature '{_featureNames[failed]}' is not {expected}: '{(cell.Length <= 40 ? cell : cell[..40] + "...")}'"));
    }

    // The features before the failed one took this row's values; they give them back.
    private void TakeBack(int failed)
    {
        for (int f = 0; f < failed; f++)
        {
            Features[f].Truncate(Count);
        }
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
