using System.Globalization;
using System.Text;
using CsvHelper;
using Parquet.Serialization;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Datasets;

/// <summary>Reads CSV (CsvHelper) or Parquet (Parquet.Net) into a <see cref="TrainingTable"/> as a spec says.</summary>
public static class TabularReader
{
    /// <summary>Reads <paramref name="data"/>, in <paramref name="format"/>, through <paramref name="spec"/>.</summary>
    /// <exception cref="TrainingDataException">The data cannot be read, or cannot be trained on as the spec reads it; the message says what and where.</exception>
    public static async Task<TabularRead> ReadAsync(Stream data, string format, ModelSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var builder = new TableBuilder(spec);
        switch (format)
        {
            case DataFormats.Csv:
                ReadCsv(data, spec, builder, cancellationToken);
                break;
            case DataFormats.Parquet:
                await ReadParquetAsync(data, builder, cancellationToken);
                break;
            default:
                throw new TrainingDataException($"'{format}' is not a data format: use \"csv\" or \"parquet\".");
        }

        return builder.Build();
    }

    /// <summary>Checks that <paramref name="data"/> is UTF-8 CSV with a header and at least one row; returns how many rows follow the header.</summary>
    /// <exception cref="TrainingDataException">It is not; the message says why.</exception>
    public static int CheckCsv(Stream data, CancellationToken cancellationToken)
    {
        int records = 0;
        Parse(data, ',', (_, _) => records++, cancellationToken);
        return records switch
        {
            0 => throw new TrainingDataException("The CSV is empty: send a header line naming the columns and at least one row."),
            1 => throw new TrainingDataException("The CSV has a header line but no rows: send at least one row."),
            _ => records - 1,
        };
    }

    private static void ReadCsv(Stream data, ModelSpec spec, TableBuilder builder, CancellationToken cancellationToken)
    {
        bool header = ModelSpecDefaults.HasHeader(spec);
        var columns = spec.Data?.Columns is { Count: > 0 } named ? named.Select(c => c.Trim()).ToList() : null;
        if (!header && columns is not null)
        {
            builder.Bind(columns, fromHeaderLine: false);
        }

        bool first = true;
        Parse(data, ModelSpecDefaults.Separator(spec), (record, line) =>
        {
            if (first && header)
            {
                builder.Bind(columns ?? record.Select(c => c.Trim()).ToList(), fromHeaderLine: columns is null);
            }
            else
            {
                builder.Add(record, line);
            }

            first = false;
        }, cancellationToken);
    }

    private static void Parse(Stream data, char separator, Action<string[], long> onRecord, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = separator,
            // The header, if any, is handled here: a spec may name the columns instead.
            HasHeader = false,
            TrimWhitespace = true,
            TrackLineNumbers = true,
        };
        try
        {
            // Strict UTF-8, so that a file that is not text is refused rather than read as replacement characters.
            using var text = new StreamReader(data, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
            using var reader = CsvReader.Create(text, options, leaveOpen: true);
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = new string[reader.FieldCount];
                for (int i = 0; i < record.Length; i++)
                {
                    record[i] = reader.GetString(i);
                }

                onRecord(record, reader.LineNumber);
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new TrainingDataException("The data is not UTF-8 text, so it is not a CSV file: save it as UTF-8 CSV.", ex);
        }
        catch (CsvFormatException ex)
        {
            throw new TrainingDataException($"The CSV cannot be parsed at line {ex.LineNumber}: {ex.Message}", ex);
        }
    }

    private static async Task ReadParquetAsync(Stream data, TableBuilder builder, CancellationToken cancellationToken)
    {
        DeserializationResult<Dictionary<string, object>> result;
        try
        {
            result = await ParquetSerializer.DeserializeUntypedAsync(data, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TrainingDataException($"The data is not a Parquet file this reader can read: {ex.Message}", ex);
        }

        var columns = result.Schema.Fields.Select(f => f.Name).ToList();
        builder.Bind(columns, fromHeaderLine: false);
        var cells = new string?[columns.Count];
        foreach (var row in result.Data)
        {
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = row.TryGetValue(columns[i], out object? value) ? Text(value) : null;
            }

            builder.Add(cells, line: null);
        }
    }

    /// <summary>A Parquet cell as text in invariant form (null stays null); batch scoring reads cells the same way.</summary>
    internal static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
