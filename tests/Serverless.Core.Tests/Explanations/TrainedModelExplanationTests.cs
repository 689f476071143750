using System.Text.Json;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Serverless.Demo;
using static Serverless.Core.Tests.Explanations.ExplanationModels;

namespace Serverless.Core.Tests.Explanations;

public sealed class TrainedModelExplanationTests
{
    [Fact]
    public void Explain_DemoFastTree_TreeShapInLogOddsAddsUpToTheModelsProbability()
    {
        byte[] onnx = DemoClassifier.Train().Onnx;
        using var model = Load(onnx);
        using var explainer = Explainer(onnx, model, Rows(model, Applications(DemoData.Generate(150, seed: 7))));
        var rows = Rows(model, Applications(DemoData.Generate(20, seed: 8)));

        var explained = explainer.Explain(rows);
        var probabilities = Run(model, rows, "Probability.output");

        Assert.Equal("tree-shap", explainer.Method);
        Assert.Equal("log-odds", explainer.Space);
        for (int r = 0; r < rows.Count; r++)
        {
            Assert.Equal(DemoClassifier.Features.Order(), explained[r].Attributions.Keys.Order());
            Assert.Equal(Math.Log(probabilities[r] / (1 - probabilities[r])), explained[r].Output, 3);
            Assert.Equal(explained[r].Output - explained[r].Baseline, explained[r].Attributions.Values.Sum(), 6);
        }

        // Income drives the generated outcome, so it moves some row's log-odds.
        Assert.Contains(explained, e => Math.Abs(e.Attributions["income"]) > 0.1);
    }

    [Fact]
    public void Explain_TrainedLogisticRegression_AttributionChangeEqualsLogOddsChange()
    {
        var table = DemoData.ToTable(DemoData.Generate(DemoClassifier.Rows));
        var (train, _) = HoldoutSplit.Split(table, 0.2, DemoData.Seed);
        var spec = JsonSerializer.Deserialize<ModelSpec>(DemoSpec.Json.Replace("\"fasttree\", \"hyperparameters\": { \"numberOfTrees\": 50 }", "\"linear\"", StringComparison.Ordinal))!;
        byte[] onnx = new ModelTrainer().Train(train, spec, CancellationToken.None).Onnx;
        using var model = Load(onnx);
        using var explainer = Explainer(onnx, model, Rows(model, Applications(DemoData.Generate(150, seed: 7))));
        var first = DemoData.Generate(1, seed: 8)[0];
        var rows = Rows(model, Applications([first, first with { Income = first.Income + 40 }, first with { Employment = first.Employment == "contract" ? "salaried" : "contract" }]));

        var explained = explainer.Explain(rows);
        var logOdds = Run(model, rows, "Probability.output").Select(p => Math.Log(p / (1 - p))).ToArray();

        Assert.Equal("linear", explainer.Method);
        Assert.Equal("log-odds", explainer.Space);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(logOdds[r], explained[r].Output, 3);
            Assert.Equal(explained[r].Output - explained[r].Baseline, explained[r].Attributions.Values.Sum(), 6);
        }

        // A linear model's attribution to a feature moves exactly as much as the log-odds when only that feature moves.
        Assert.Equal(logOdds[1] - logOdds[0], explained[1].Attributions["income"] - explained[0].Attributions["income"], 3);
        Assert.Equal(explained[0].Attributions["debt_ratio"], explained[1].Attributions["debt_ratio"], 9);
        Assert.Equal(logOdds[2] - logOdds[0], explained[2].Attributions["employment"] - explained[0].Attributions["employment"], 3);
    }

    private static IEnumerable<object> Applications(IEnumerable<LoanRow> rows) => rows.Select(r => (object)new Dictionary<string, object>
    {
        ["income"] = r.Income,
        ["debt_ratio"] = r.DebtRatio,
        ["years_employed"] = r.YearsEmployed,
        ["late_payments"] = r.LatePayments,
        ["employment"] = r.Employment,
    });
}
