using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Parquet.Schema;
using Parquet.Serialization;
using Serverless.Core.Batch;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

public sealed class BatchFilesTests
{
    private const string Csv = "name,note,x\r\na,plain,1\r\nb,\"two\nlines\",2\r\nc,\"comma, inside\",3\r\nd,,4\r\ne,last,5\r\n";

    // The model y = x over text: every row with an x is kept, whatever it holds.
    private static readonly BatchModel TextIdentity = BatchModel.For(new InferenceSession(OnnxModelBuilder.Identity(TensorElementType.String, -1)));

    private static BatchTable ReadRange(byte[] bytes, BatchPlan plan, BatchChunk chunk) =>
        BatchFiles.ReadCsvChunk(new MemoryStream(bytes, (int)chunk.Offset, (int)chunk.Length), plan.Columns, chunk, TextIdentity, CancellationToken.None);

    private static List<string> Raw(BatchTable table) => [.. Enumerable.Range(0, table.Count).Select(r => Encoding.UTF8.GetString(table.RawRow(r)))];

    [Fact]
    public void PlanCsv_QuotedLineBreaks_ByteRangesReadBackEveryRowOnceInOrder()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Csv);

        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows: 2, CancellationToken.None);

        Assert.Equal(["name", "note", "x"], plan.Columns);
        Assert.Equal(5, plan.Rows);
        Assert.Equal([2, 2, 1], plan.Chunks.Select(c => c.Rows));
        Assert.Equal(bytes.Length - "name,note,x\r\n".Length, plan.Chunks.Sum(c => c.Length));
        var rows = plan.Chunks.SelectMany(c => { var t = ReadRange(bytes, plan, c); return t.RowNumbers.Zip(Raw(t)); }).ToList();
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.First));
        Assert.Equal(["a,plain,1", "b,\"two\nlines\",2", "c,\"comma, inside\",3", "d,,4", "e,last,5"], rows.Select(r => r.Second));
    }

    [Fact]
    public void PlanCsv_WithByteOrderMark_FirstChunkStartsAfterTheHeader()
    {
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("x\n1\n2\n")];

        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows: 10, CancellationToken.None);

        Assert.Equal(["x"], plan.Columns);
        var table = ReadRange(bytes, plan, plan.Chunks.Single());
        Assert.Equal(["1", "2"], Raw(table));
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
    public void ReadCsvChunk_RowWithTooFewFields_ListedWithItsProblemNotKept()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("x,b\n1,2\n3\n");
        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, 10, CancellationToken.None);

        var table = ReadRange(bytes, plan, plan.Chunks.Single());

        Assert.Equal([1L], table.RowNumbers);
        Assert.Equal((2L, "malformed row", "the row has 1 fields; the header has 2"), Assert.Single(table.Errors));
    }

    [Fact]
    public async Task PlanParquet_NotParquet_ThrowsBatchInputException()
    {
        var ex = await Assert.ThrowsAsync<BatchInputException>(() => BatchFiles.PlanParquetAsync(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n")), 10, CancellationToken.None));

        Assert.Contains("not a Parquet file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_ChunkedReadAndWrite_KeepsTheInputColumnsAndAddsTheOutputsTyped()
    {
        var schema = new ParquetSchema(new DataField<string>("x"), new DataField<double?>("w"));
        var data = Enumerable.Range(1, 5).Select(i => (IDictionary<string, object?>)new Dictionary<string, object?> { ["x"] = $"r{i}", ["w"] = i * 1.5 }).ToList();
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync(data, schema, file);
        using var loaded = new LoadedModel(new InferenceSession(OnnxModelBuilder.Identity(TensorElementType.String, -1)));

        file.Position = 0;
        var plan = await BatchFiles.PlanParquetAsync(file, chunkRows: 2, CancellationToken.None);
        file.Position = 0;
        var table = await BatchFiles.ReadParquetChunkAsync(file, plan.Chunks[1], BatchModel.For(loaded.Session), CancellationToken.None);
        var scored = ChunkScorer.Score(loaded, new ModelExecutor(Options.Create(new ServingOptions())), table, CancellationToken.None);
        using var written = new MemoryStream();
        await BatchFiles.WriteAsync(written, BatchFiles.Parquet, scored, version: 7, CancellationToken.None);
        written.Position = 0;
        var back = await ParquetSerializer.DeserializeUntypedAsync(written);

        Assert.Equal([2, 2, 1], plan.Chunks.Select(c => c.Rows));
        Assert.Equal([3L, 4], table.RowNumbers);
        Assert.Equal(["x", "w", "row_number", "prediction_id", "model_version", "value"], back.Schema.Fields.Select(f => f.Name));
        Assert.Equal(2, back.Data.Count);
        var row = back.Data[1];
        Assert.Equal("r4", row["x"]);
        Assert.Equal(6.0, row["w"]);
        Assert.Equal(4L, row["row_number"]);
        Assert.Equal(7, row["model_version"]);
        Assert.Equal("r4", row["value"]);
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
