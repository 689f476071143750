using Microsoft.Extensions.Options;
using Serverless.Core.Batch;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Tests.Serving;
using Serverless.Demo;

namespace Serverless.Core.Tests.Batch;

public sealed class ChunkScorerTests : IClassFixture<ChunkScorerTests.Model>
{
    private readonly Model _model;

    public ChunkScorerTests(Model model) => _model = model;

    /// <summary>The demo classifier, trained once for the class.</summary>
    public sealed class Model : IDisposable
    {
        internal LoadedModel Loaded { get; } = ServingTestModels.Load(DemoClassifier.Train().Onnx);

        public void Dispose() => Loaded.Dispose();
    }

    private static readonly string[] Columns = ["id", "income", "debt_ratio", "years_employed", "late_payments", "employment"];

    private static BatchTable Table(params object?[][] rows)
    {
        var table = new BatchTable(Columns);
        for (int r = 0; r < rows.Length; r++)
        {
            table.Add(rows[r], r + 1);
        }

        return table;
    }

    private ScoredChunk Score(BatchTable table)
    {
        int n = 0;
        return ChunkScorer.Score(_model.Loaded, new ModelExecutor(Options.Create(new ServingOptions())), table, () => $"p{n++}", CancellationToken.None);
    }

    [Fact]
    public void Score_GoodAndBadRows_BadRowsListedWithTheirReasonGoodRowsPredicted()
    {
        var table = Table(
            ["1", "85", "0.2", "6", "0", "salaried"],
            ["2", "", "0.2", "6", "0", "salaried"],
            ["3", "30", "lots", "1", "3", "contract"],
            ["4", 30.0, 0.7, 1L, 3, "contract"]);

        using var scored = Score(table);

        Assert.Equal([0, 3], scored.Scored.Select(s => s.Row));
        Assert.Equal([(2L, "missing feature 'income'"), (3L, "feature 'debt_ratio' is not a number")], scored.Errors.Select(e => (e.RowNumber, e.Kind)));
        Assert.Contains("'lots'", scored.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("label", scored.OutputColumns);
        Assert.Contains("probability_true", scored.OutputColumns);
        Assert.Equal(["p0", "p1"], scored.Scored.Select(s => s.PredictionId));
        Assert.True(scored.Scored[0].Outputs["label"].GetBoolean());
        Assert.False(scored.Scored[1].Outputs["label"].GetBoolean());
    }

    [Fact]
    public void Score_RowWithAProblemFromReading_ListedAsMalformed()
    {
        var table = new BatchTable(Columns);
        table.Add(["1", "85", null, null, null, null], 1, "the row has 2 fields; the header has 6");

        using var scored = Score(table);

        Assert.Empty(scored.Scored);
        Assert.Equal("malformed row", Assert.Single(scored.Errors).Kind);
    }

    [Fact]
    public void Score_NoColumnForAFeature_ThrowsNamingIt()
    {
        var table = new BatchTable(["income"]);
        table.Add(["1"], 1);

        var ex = Assert.Throws<BatchInputException>(() => Score(table));

        Assert.Contains("'debt_ratio'", ex.Message, StringComparison.Ordinal);
    }
}
