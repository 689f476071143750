using System.Buffers;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Core.Batch;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Tests.Serving;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Core.Tests.Batch;

public sealed class ChunkScorerTests : IClassFixture<ChunkScorerTests.Model>
{
    private const string Header = "id,income,debt_ratio,years_employed,late_payments,employment";

    private readonly Model _model;

    public ChunkScorerTests(Model model) => _model = model;

    /// <summary>The demo classifier, trained once for the class.</summary>
    public sealed class Model : IDisposable
    {
        internal LoadedModel Loaded { get; } = ServingTestModels.Load(DemoClassifier.Train().Onnx);

        internal BatchModel Plan => BatchModel.For(Loaded.Session);

        public void Dispose() => Loaded.Dispose();
    }

    private BatchTable Csv(params string[] rows)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(rows.Select(r => r + "\n")));
        var plan = BatchFiles.PlanCsv(new MemoryStream(bytes), bytes.Length, chunkRows: 1000, CancellationToken.None);
        var chunk = plan.Chunks.Single();
        return BatchFiles.ReadCsvChunk(new MemoryStream(bytes, (int)chunk.Offset, (int)chunk.Length), plan.Columns, chunk, _model.Plan, CancellationToken.None);
    }

    private ScoredChunk Score(BatchTable table) =>
        ChunkScorer.Score(_model.Loaded, new ModelExecutor(Options.Create(new ServingOptions())), table, CancellationToken.None);

    private static string[] Lines(ScoredChunk scored)
    {
        var output = new ArrayBufferWriter<byte>();
        BatchFiles.WriteCsv(output, scored, 4, scored.OutputColumns.ConvertAll(c => c.Name));
        return Encoding.UTF8.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Score_GoodAndBadRows_BadRowsListedWithTheirReasonGoodRowsPredicted()
    {
        var table = Csv("1,85,0.2,6,0,salaried", "2,,0.2,6,0,salaried", "3,30,lots,1,3,contract", "4,30,0.7,1.0,3,contract", "5,30,0.7,1,3");

        var scored = Score(table);

        Assert.Equal(5, table.RowsRead);
        Assert.Equal([1L, 4], table.RowNumbers);
        Assert.Equal(
            [(2L, "missing feature 'income'"), (3L, "feature 'debt_ratio' is not a number"), (5L, "malformed row")],
            scored.Errors.Select(e => (e.RowNumber, e.Kind)).Order());
        Assert.Contains("'lots'", scored.Errors.Single(e => e.RowNumber == 3).Reason, StringComparison.Ordinal);
        Assert.Equal(["label", "probability_false", "probability_true"], scored.OutputColumns.Select(c => c.Name));
        Assert.Equal(true, scored.OutputColumns[0].Value(0));
        Assert.Equal(false, scored.OutputColumns[0].Value(1));
        Assert.Equal(1f, (float)scored.OutputColumns[1].Value(0)! + (float)scored.OutputColumns[2].Value(0)!, 3);
        Assert.Equal(2, scored.ScoredCount);
    }

    [Fact]
    public void Score_SameRowsAsTextOrTypedValues_SamePredictions()
    {
        var text = Score(Csv("1,30,0.7,1,3,contract"));
        var typed = new BatchTable(["income", "debt_ratio", "years_employed", "late_payments", "employment"], _model.Plan, 1);
        typed.AddRecord(new Dictionary<string, object> { ["income"] = 30.0, ["debt_ratio"] = 0.7f, ["years_employed"] = 1L, ["late_payments"] = 3, ["employment"] = "contract" }, 1);

        var scored = Score(typed);

        Assert.Equal(text.OutputColumns.Select(c => c.Value(0)), scored.OutputColumns.Select(c => c.Value(0)));
    }

    [Fact]
    public void WriteCsv_ScoredRows_EachRowsOwnBytesThenRowNumberIdVersionAndOutputs()
    {
        var scored = Score(Csv("\"a, b\",85,0.2,6,0,salaried", "2,,0.2,6,0,salaried", "3, 30 ,0.7,1,3,contract"));

        string[] lines = Lines(scored);

        Assert.Equal(Header + ",row_number,prediction_id,model_version,label,probability_false,probability_true", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("\"a, b\",85,0.2,6,0,salaried,1,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("3, 30 ,0.7,1,3,contract,3,", lines[2], StringComparison.Ordinal);
        string[] fields = lines[2].Split(',');
        Assert.True(Guid.TryParse(fields[7], out var id) && id.Version == 7);
        Assert.Equal(["4", "false"], fields[8..10]);
        Assert.NotEqual(lines[1].Split(',')[8], fields[7]);
    }

    [Fact]
    public void ReadCsvChunk_NoColumnForAFeature_ThrowsNamingEveryOne()
    {
        byte[] bytes = "income,late_payments\n1,2\n"u8.ToArray();

        var ex = Assert.Throws<BatchInputException>(() => BatchFiles.ReadCsvChunk(new MemoryStream(bytes, 21, 4), ["income", "late_payments"], new BatchChunk(0, 1, 1, 21, 4, 0), _model.Plan, CancellationToken.None));

        Assert.Contains("'debt_ratio', 'years_employed'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'employment'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsvChunk_NotUtf8_ThrowsSayingSo()
    {
        byte[] bytes = [.. "1,30,0.7,1,3,caf"u8, 0xE9, (byte)'\n'];

        var ex = Assert.Throws<BatchInputException>(() => BatchFiles.ReadCsvChunk(new MemoryStream(bytes), Header.Split(','), new BatchChunk(0, 1, 1, 0, bytes.Length, 0), _model.Plan, CancellationToken.None));

        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_IntegerModel_ValueColumnHoldsTheIntegersAndAFractionFailsItsRow()
    {
        using var loaded = new LoadedModel(new InferenceSession(OnnxModelBuilder.Identity(TensorElementType.Int64, -1, 1)));
        var table = new BatchTable(["x"], BatchModel.For(loaded.Session), 3);
        table.AddRecord(new Dictionary<string, object> { ["x"] = "7" }, 1);
        table.AddRecord(new Dictionary<string, object> { ["x"] = "7.5" }, 2);
        table.AddRecord(new Dictionary<string, object> { ["x"] = 9L }, 3);

        var scored = ChunkScorer.Score(loaded, new ModelExecutor(Options.Create(new ServingOptions())), table, CancellationToken.None);

        var value = Assert.Single(scored.OutputColumns);
        Assert.Equal(("value", TensorElementType.Int64), (value.Name, value.Type));
        Assert.Equal([7L, 9L], [value.Value(0), value.Value(1)]);
        Assert.Equal((2L, "feature 'x' is not an integer"), scored.Errors.Select(e => (e.RowNumber, e.Kind)).Single());
    }
}
