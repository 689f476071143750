using static Serverless.Core.Tests.Explanations.ExplanationModels;

namespace Serverless.Core.Tests.Explanations;

public sealed class TreeShapTests
{
    private const float Base = 0.1f;

    // (tree, node, feature (-1: leaf), threshold, true child, false child, leaf value); splits are x[feature] <= threshold.
    private static readonly (int Tree, int Node, int Feature, float Threshold, int True, int False, float Value)[] Nodes =
    [
        (0, 0, 0, 0.5f, 1, 2, 0), (0, 1, 1, 1.0f, 3, 4, 0), (0, 2, 2, 0f, 5, 6, 0),
        (0, 3, -1, 0, 0, 0, 1.0f), (0, 4, -1, 0, 0, 0, 2.0f), (0, 5, -1, 0, 0, 0, -1.0f), (0, 6, -1, 0, 0, 0, 3.0f),

        // Feature 1 is split on twice along one path, which TreeSHAP has to unwind.
        (1, 0, 1, 0f, 1, 2, 0), (1, 1, -1, 0, 0, 0, 0.5f), (1, 2, 0, 1.5f, 3, 4, 0), (1, 3, 1, 2f, 5, 6, 0),
        (1, 4, -1, 0, 0, 0, -2f), (1, 5, -1, 0, 0, 0, 1.5f), (1, 6, -1, 0, 0, 0, 0.25f),
        (2, 0, 2, 0.5f, 1, 2, 0), (2, 1, -1, 0, 0, 0, 0.7f), (2, 2, -1, 0, 0, 0, -0.3f),
    ];

    private static readonly string[] Features = ["a", "b", "c"];

    [Fact]
    public void Explain_HandBuiltEnsemble_EqualsShapleyValuesByEnumeration()
    {
        byte[] onnx = Ensemble();
        using var model = Load(onnx);
        var backgroundPoints = Sample(new Random(3), 40);
        using var explainer = Explainer(onnx, model, Rows(model, Objects(backgroundPoints)));
        var rows = Sample(new Random(11), 12).Append((0.5f, 1.0f, 0f)).ToList();
        var explained = explainer.Explain(Rows(model, Objects(rows)));
        var outputs = Run(model, Rows(model, Objects(rows)), "variable");

        Assert.Equal("tree-shap", explainer.Method);
        Assert.Equal("raw-score", explainer.Space);
        for (int r = 0; r < rows.Count; r++)
        {
            var x = Point(rows[r]);
            var expected = ShapleyByEnumeration(x, [.. backgroundPoints.Select(Point)]);
            for (int i = 0; i < Features.Length; i++)
            {
                Assert.Equal(expected[i], explained[r].Attributions[Features[i]], 6);
            }

            Assert.Equal(ConditionalExpectation(x, [], [.. backgroundPoints.Select(Point)]), explained[r].Baseline, 6);
            Assert.Equal(outputs[r], explained[r].Output, 5);
            Assert.Equal(explained[r].Output - explained[r].Baseline, explained[r].Attributions.Values.Sum(), 6);
        }
    }

    [Fact]
    public void Explain_FeatureNoTreeUses_GetsZero()
    {
        byte[] onnx = Ensemble(extraInput: true);
        using var model = Load(onnx);
        var background = Rows(model, Sample(new Random(5), 30).Select(r => (object)new { r.a, r.b, r.c, d = 4f }));
        using var explainer = Explainer(onnx, model, background);

        var explained = explainer.Explain(Rows(model, new object[] { new { a = 2f, b = -1f, c = 1f, d = 7f } }));

        Assert.Equal(0, explained[0].Attributions["d"]);
        Assert.NotEqual(0, explained[0].Attributions["a"]);
    }

    private static List<(float a, float b, float c)> Sample(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (
            (float)Math.Round((random.NextDouble() * 3) - 1, 2),
            (float)Math.Round((random.NextDouble() * 4) - 1, 2),
            (float)Math.Round((random.NextDouble() * 2) - 1, 2)))];

    private static IEnumerable<object> Objects(IEnumerable<(float a, float b, float c)> rows) => rows.Select(t => (object)new { t.a, t.b, t.c });

    private static float[] Point((float a, float b, float c) row) => [row.a, row.b, row.c];

    // φ_i = Σ_{S ⊆ F∖{i}} |S|!(M−|S|−1)!/M! (v(S ∪ {i}) − v(S)), v(S) = E[f(x) | x_S] as TreeSHAP defines it.
    private static double[] ShapleyByEnumeration(float[] x, List<float[]> background)
    {
        int m = Features.Length;
        var phi = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int mask = 0; mask < 1 << m; mask++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    continue;
                }

                var s = Enumerable.Range(0, m).Where(j => (mask & (1 << j)) != 0).ToHashSet();
                double weight = Factorial(s.Count) * Factorial(m - s.Count - 1) / Factorial(m);
                phi[i] += weight * (ConditionalExpectation(x, [.. s, i], background) - ConditionalExpectation(x, s, background));
            }
        }

        return phi;
    }

    // Down the known features' branches; at an unknown feature's split, both branches weighted by how many background rows take each.
    private static double ConditionalExpectation(float[] x, HashSet<int> known, List<float[]> background)
    {
        double total = Base;
        foreach (int tree in Nodes.Select(n => n.Tree).Distinct())
        {
            total += Expect(tree, 0, background);
        }

        return total;

        double Expect(int tree, int node, List<float[]> reaching)
        {
            var n = Nodes.Single(d => d.Tree == tree && d.Node == node);
            if (n.Feature < 0)
            {
                return n.Value;
            }

            var yes = reaching.Where(b => b[n.Feature] <= n.Threshold).ToList();
            var no = reaching.Where(b => b[n.Feature] > n.Threshold).ToList();
            if (known.Contains(n.Feature))
            {
                return x[n.Feature] <= n.Threshold ? Expect(tree, n.True, yes) : Expect(tree, n.False, no);
            }

            return ((yes.Count == 0 ? 0 : yes.Count * Expect(tree, n.True, yes)) + (no.Count == 0 ? 0 : no.Count * Expect(tree, n.False, no))) / reaching.Count;
        }
    }

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    private static byte[] Ensemble(bool extraInput = false)
    {
        string[] inputs = extraInput ? [.. Features, "d"] : Features;
        var ensemble = Node(
            "TreeEnsembleRegressor",
            ["features"],
            ["variable"],
            "ai.onnx.ml",
            Ints("nodes_treeids", [.. Nodes.Select(n => (long)n.Tree)]),
            Ints("nodes_nodeids", [.. Nodes.Select(n => (long)n.Node)]),
            Ints("nodes_featureids", [.. Nodes.Select(n => (long)Math.Max(0, n.Feature))]),
            Floats("nodes_values", [.. Nodes.Select(n => n.Threshold)]),
            Strings("nodes_modes", [.. Nodes.Select(n => n.Feature < 0 ? "LEAF" : "BRANCH_LEQ")]),
            Ints("nodes_truenodeids", [.. Nodes.Select(n => (long)n.True)]),
            Ints("nodes_falsenodeids", [.. Nodes.Select(n => (long)n.False)]),
            Ints("target_treeids", [.. Nodes.Where(n => n.Feature < 0).Select(n => (long)n.Tree)]),
            Ints("target_nodeids", [.. Nodes.Where(n => n.Feature < 0).Select(n => (long)n.Node)]),
            Ints("target_ids", [.. Nodes.Where(n => n.Feature < 0).Select(_ => 0L)]),
            Floats("target_weights", [.. Nodes.Where(n => n.Feature < 0).Select(n => n.Value)]),
            Floats("base_values", Base),
            Int("n_targets", 1));
        return Model(
            [Node("Concat", inputs, ["features"], "", Int("axis", 1)), ensemble],
            inputs.Select(name => Tensor(name, Float, -1, 1)),
            [Tensor("variable", Float, -1, 1)]);
    }
}
