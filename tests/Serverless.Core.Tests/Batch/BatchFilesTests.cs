using System.Text;
using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;
using Serverless.Core.Batch;

namespace Serverless.Core.Tests.Batch;

public sealed class BatchFilesTests
{
    private const string Csv = "name,note,x\r\na,plain,1\r\nb,\"two\nlines\",2\r\nc,\"comma, inside\",3\r\nd,,4\r\ne,last,5\r\n";

    private static BatchTable ReadRange(byte[] bytes, BatchPlan plan, BatchChunk chunk) =>
        BatchFiles.ReadCsvChunk(new MemoryStream(bytes, (int)chunk.Offset, (int)chunk.Length), plan.Columns, chunk, CancellationToken.None);

    [Fact]
    public void PlanCsv_QuotedLineBreaks_ByteRangesReadBackEveryRowOnceInOrder()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Csv);

        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows: 2, CancellationToken.None);

        Assert.Equal(["name", "note", "x"], plan.Columns);
        Assert.Equal(5, plan.Rows);
        Assert.Equal([2, 2, 1], plan.Chunks.Select(c => c.Rows));
        Assert.Equal(bytes.Length - "name,note,x\r\n".Length, plan.Chunks.Sum(c => c.Length));
        var rows = plan.Chunks.SelectMany(c => { var t = ReadRange(bytes, plan, c); return t.RowNumbers.Zip(t.Cells); }).ToList();
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.First));
        Assert.Equal("two\nlines", rows[1].Second[1]);
        Assert.Equal("comma, inside", rows[2].Second[1]);
        Assert.Equal(["a", "b", "c", "d", "e"], rows.Select(r => (string)r.Second[0]!));
    }

    [Fact]
    public void PlanCsv_WithByteOrderMark_FirstChunkStartsAfterTheHeader()
    {
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("x\n1\n2\n")];

        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows: 10, CancellationToken.None);

        Assert.Equal(["x"], plan.Columns);
        var table = ReadRange(bytes, plan, plan.Chunks.Single());
        Assert.Equal(["1", "2"], table.Cells.Select(c => (string)c[0]!));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a,b\n", "no rows")]
    [InlineData("a,a\n1,2\n", "twice")]
    [InlineData("a,\n1,2\n", "no name")]
    [InlineData("a,b\n1,\"open\n", "cannot be parsed")]
    public void PlanCsv_Malformed_ThrowsSayingWhy(string csv, string reason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(csv);

        var ex = Assert.Throws<BatchInputException>(() => BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, 10, CancellationToken.None));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsvHeader_StartOfAFileCutMidRecord_TheColumns()
    {
        byte[] start = Encoding.UTF8.GetBytes("a, b ,c\n1,\"unfinished");

        Assert.Equal(["a", "b", "c"], BatchFiles.ReadCsvHeader(new MemoryStream(start)));
    }

    [Fact]
    public void ReadCsvChunk_RowWithTooFewFields_KeptWithItsProblem()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("a,b\n1,2\n3\n");
        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, 10, CancellationToken.None);

        var table = ReadRange(bytes, plan, plan.Chunks.Single());

        Assert.Null(table.Problems[0]);
        Assert.Equal("the row has 1 fields; the header has 2", table.Problems[1]);
    }

    [Fact]
    public async Task PlanParquet_NotParquet_ThrowsBatchInputException()
    {
        var ex = await Assert.ThrowsAsync<BatchInputException>(() => BatchFiles.PlanParquetAsync(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n")), 10, CancellationToken.None));

        Assert.Contains("not a Parquet file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_ChunkedReadAndWrite_KeepsTheInputColumnsAndAddsTheOutputs()
    {
        var schema = new ParquetSchema(new DataField<string>("name"), new DataField<double?>("x"));
        var data = Enumerable.Range(1, 5).Select(i => (IDictionary<string, object?>)new Dictionary<string, object?> { ["name"] = $"r{i}", ["x"] = i * 1.5 }).ToList();
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync(data, schema, file);

        file.Position = 0;
        var plan = await BatchFiles.PlanParquetAsync(file, chunkRows: 2, CancellationToken.None);
        file.Position = 0;
        var table = await BatchFiles.ReadParquetChunkAsync(file, plan.Chunks[1], CancellationToken.None);

        Assert.Equal([2, 2, 1], plan.Chunks.Select(c => c.Rows));
        Assert.Equal([3L, 4], table.RowNumbers);
        Assert.Equal(4.5, table.Cells[0][1]);

        using var scored = new ScoredChunk();
        scored.OutputColumns.AddRange(["label", "probability_true"]);
        using var outputs = JsonDocument.Parse("""[{"label": true, "probability_true": 0.75}]""");
        scored.Scored.Add((1, "p-1", new Dictionary<string, JsonElement> { ["label"] = outputs.RootElement[0].GetProperty("label"), ["probability_true"] = outputs.RootElement[0].GetProperty("probability_true") }));
        using var written = new MemoryStream();
        await BatchFiles.WriteAsync(written, BatchFiles.Parquet, table, scored, version: 7, CancellationToken.None);
        written.Position = 0;
        var back = await ParquetSerializer.DeserializeUntypedAsync(written);

        Assert.Equal(["name", "x", "row_number", "prediction_id", "model_version", "label", "probability_true"], back.Schema.Fields.Select(f => f.Name));
        var row = Assert.Single(back.Data);
        Assert.Equal("r4", row["name"]);
        Assert.Equal(4L, row["row_number"]);
        Assert.Equal(7, row["model_version"]);
        Assert.Equal(true, row["label"]);
        Assert.Equal(0.75, row["probability_true"]);
    }

    [Fact]
    public void WriteErrors_ReadBack_SameRowsAndReasons()
    {
        using var stream = new MemoryStream();
        BatchFiles.WriteErrors(stream, [(3, "feature 'x' is missing"), (9, "feature 'y' is not a number: 'a,b'")], header: false);
        stream.Position = 0;

        var errors = BatchFiles.ReadErrors(stream, CancellationToken.None);

        Assert.Equal([(3L, "feature 'x' is missing"), (9L, "feature 'y' is not a number: 'a,b'")], errors);
    }

    [Theory]
    [InlineData("in/a.csv", "csv")]
    [InlineData("in/a.PARQUET", "parquet")]
    [InlineData("in/a.json", null)]
    public void FormatOf_Extension_FormatOrNull(string path, string? format) => Assert.Equal(format, BatchFiles.FormatOf(path));
}
