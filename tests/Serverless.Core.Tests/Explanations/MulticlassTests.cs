using Onnx;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;
using Serverless.Core.Tests.Training;
using static Serverless.Core.Tests.Explanations.ExplanationModels;

namespace Serverless.Core.Tests.Explanations;

public sealed class MulticlassTests
{
    private static readonly float[] Bases = [0.2f, -0.1f, 0.05f];

    // (tree, node, feature (-1: leaf), threshold, true child, false child, each class's leaf weight); splits are x[feature] <= threshold.
    private static readonly (int Tree, int Node, int Feature, float Threshold, int True, int False, float[] Weights)[] Nodes =
    [
        (0, 0, 0, 0.5f, 1, 2, []), (0, 1, 1, 1.0f, 3, 4, []), (0, 2, 2, 0f, 5, 6, []),
        (0, 3, -1, 0, 0, 0, [1.0f, -0.5f, 0.2f]), (0, 4, -1, 0, 0, 0, [-1.0f, 2.0f, 0f]),
        (0, 5, -1, 0, 0, 0, [0.3f, 0.3f, -1.2f]), (0, 6, -1, 0, 0, 0, [-0.4f, 0f, 1.5f]),

        // Feature 1 twice along one path.
        (1, 0, 1, 0f, 1, 2, []), (1, 1, -1, 0, 0, 0, [0.5f, 0f, -0.5f]), (1, 2, 0, 1.5f, 3, 4, []), (1, 3, 1, 2f, 5, 6, []),
        (1, 4, -1, 0, 0, 0, [-2f, 1f, 0.1f]), (1, 5, -1, 0, 0, 0, [1.5f, -1f, 0f]), (1, 6, -1, 0, 0, 0, [0.25f, 0.7f, -0.3f]),

        // A tree for class 2 only (its leaves carry no weight for the others).
        (2, 0, 2, 0.5f, 1, 2, []), (2, 1, -1, 0, 0, 0, [0f, 0f, 0.7f]), (2, 2, -1, 0, 0, 0, [0f, 0f, -0.3f]),
    ];

    private static readonly string[] Features = ["a", "b", "c"];

    [Fact]
    public void Explain_HandBuiltTreeEnsembleClassifier_EachClassEqualsShapleyValuesByEnumeration()
    {
        byte[] onnx = Classifier();
        using var model = Load(onnx);
        var backgroundPoints = Sample(new Random(3), 40);
        using var explainer = Explainer(onnx, model, Rows(model, Objects(backgroundPoints)));
        var rows = Sample(new Random(11), 10).Append((0.5f, 1.0f, 0f)).ToList();

        var explained = explainer.Explain(Rows(model, Objects(rows)));
        var probabilities = RunAll(model, Rows(model, Objects(rows)), "probabilities", 3);

        Assert.Equal("tree-shap", explainer.Method);
        Assert.Equal("raw-score", explainer.Space);
        Assert.Contains("SOFTMAX", explainer.SpaceDescription, StringComparison.Ordinal);
        var background = backgroundPoints.Select(Point).ToList();
        for (int r = 0; r < rows.Count; r++)
        {
            var x = Point(rows[r]);
            var classes = explained[r].Classes!;
            Assert.Equal(["0", "1", "2"], classes.Select(c => c.Class));
            for (int k = 0; k < 3; k++)
            {
                var expected = ShapleyByEnumeration(x, background, k);
                for (int i = 0; i < Features.Length; i++)
                {
                    Assert.Equal(expected[i], classes[k].Attributions[Features[i]], 6);
                }

                Assert.Equal(ConditionalExpectation(x, [], background, k), classes[k].Baseline, 6);
                Assert.Equal(ConditionalExpectation(x, [0, 1, 2], background, k), classes[k].Output, 5);
                Assert.Equal(classes[k].Output - classes[k].Baseline, classes[k].Attributions.Values.Sum(), 6);
            }

            // The raw scores are the logits of the model's probabilities; the top level explains the predicted class.
            double[] softmax = Softmax([.. classes.Select(c => c.Output)]);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(probabilities[r][k], softmax[k], 5);
            }

            int predicted = Array.IndexOf(probabilities[r], probabilities[r].Max());
            Assert.Equal(predicted.ToString(System.Globalization.CultureInfo.InvariantCulture), explained[r].Class);
            Assert.Equal(classes[predicted].Attributions, explained[r].Attributions);
            Assert.Equal(classes[predicted].Output, explained[r].Output);
        }
    }

    [Fact]
    public void Explain_SoftmaxOfLinearScores_KernelShapGivesEachClassExactShapleyValuesOfItsProbability()
    {
        float[] weights = [1.5f, -1f, 0.2f, -0.5f, 2f, 0.3f, 0.8f, 0.1f, -1.7f];
        var w = new TensorProto { Name = "W", DataType = Float };
        w.Dims.AddRange([3, 3]);
        w.FloatData.AddRange(weights);
        byte[] onnx = Model(
            [Node("Concat", Features, ["x"], "", Int("axis", 1)), Node("MatMul", ["x", "W"], ["logits"]), Node("Softmax", ["logits"], ["probabilities"], "", Int("axis", 1))],
            Features.Select(n => Tensor(n, Float, -1, 1)),
            [Tensor("probabilities", Float, -1, 3)],
            [w]);
        using var model = Load(onnx);
        var background = Sample(new Random(4), 8).Select(Point).ToList();
        using var explainer = Explainer(onnx, model, Rows(model, Objects(background.Select(b => (b[0], b[1], b[2])))));
        float[] x = [1.2f, -0.4f, 0.9f];

        var explained = explainer.Explain(Rows(model, Objects([(x[0], x[1], x[2])])))[0];

        // v_k(S): the mean over the background of class k's probability with the inputs in S taken from x.
        double V(int mask, int k) => background.Average(b =>
        {
            float[] z = [.. Enumerable.Range(0, 3).Select(i => (mask & (1 << i)) != 0 ? x[i] : b[i])];
            double[] logits = [.. Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 3).Sum(i => z[i] * weights[(i * 3) + c]))];
            return Softmax(logits)[k];
        });
        double[] shapleyWeights = [1.0 / 3, 1.0 / 6, 1.0 / 3];
        Assert.Equal("kernel-shap", explainer.Method);
        Assert.Equal("probability", explainer.Space);
        var classes = explained.Classes!;
        Assert.Equal(["0", "1", "2"], classes.Select(c => c.Class));
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < 3; i++)
            {
                double expected = 0;
                for (int mask = 0; mask < 8; mask++)
                {
                    if ((mask & (1 << i)) == 0)
                    {
                        expected += shapleyWeights[System.Numerics.BitOperations.PopCount((uint)mask)] * (V(mask | (1 << i), k) - V(mask, k));
                    }
                }

                Assert.Equal(expected, classes[k].Attributions[Features[i]], 5);
            }

            Assert.Equal(V(0, k), classes[k].Baseline, 5);
            Assert.Equal(V(7, k), classes[k].Output, 5);
        }

        Assert.Equal(classes.MaxBy(c => c.Output)!.Class, explained.Class);
    }

    [Fact]
    public void Explain_TrainedMulticlassLightGbm_EachClassAddsUpToItsProbability()
    {
        var table = SyntheticTables.Create(ModelTasks.Multiclass);
        byte[] onnx = new ModelTrainer().Train(table, SyntheticTables.Spec(ModelTasks.Multiclass, TrainerCatalog.LightGbm), CancellationToken.None).Onnx;
        using var model = Load(onnx);
        var random = new Random(5);
        string[] colors = ["red", "green", "blue"];
        object Row() => new Dictionary<string, object> { ["x1"] = (float)((random.NextDouble() * 4) - 2), ["x2"] = (float)(random.NextDouble() * 100), ["color"] = colors[random.Next(3)] };
        using var explainer = Explainer(onnx, model, Rows(model, Enumerable.Range(0, 16).Select(_ => Row())), kernelSamples: 64);
        var rows = Rows(model, Enumerable.Range(0, 4).Select(_ => Row()));

        var explained = explainer.Explain(rows);
        var scores = RunAll(model, rows, "Score.output", 3);

        Assert.Equal("kernel-shap", explainer.Method);
        Assert.Equal("probability", explainer.Space);
        for (int r = 0; r < rows.Count; r++)
        {
            var classes = explained[r].Classes!;
            Assert.Equal(3, classes.Count);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(scores[r][k], classes[k].Output, 5);
                Assert.Equal(classes[k].Output - classes[k].Baseline, classes[k].Attributions.Values.Sum(), 6);
                Assert.Equal(SyntheticTables.Features.Order(), classes[k].Attributions.Keys.Order());
            }

            // Each input's attributions across the classes cancel out: the probabilities always sum to one.
            Assert.All(SyntheticTables.Features, f => Assert.Equal(0, classes.Sum(c => c.Attributions[f]), 5));
            Assert.Equal(Array.IndexOf(scores[r], scores[r].Max()).ToString(System.Globalization.CultureInfo.InvariantCulture), explained[r].Class);
        }

        // Global importance reads the predicted class's attributions.
        var (importance, count) = explainer.Importance(8);
        Assert.Equal(8, count);
        Assert.All(importance.Values, v => Assert.True(double.IsFinite(v) && v >= 0));
    }

    private static double[][] RunAll(Serverless.Core.Serving.Execution.LoadedModel model, Serverless.Core.Explanations.FeatureRows rows, string output, int classes)
    {
        double[] flat = Run(model, rows, output);
        return [.. Enumerable.Range(0, rows.Count).Select(r => flat.AsSpan(r * classes, classes).ToArray())];
    }

    private static double[] Softmax(double[] logits)
    {
        double max = logits.Max();
        double[] e = [.. logits.Select(l => Math.Exp(l - max))];
        return [.. e.Select(v => v / e.Sum())];
    }

    private static List<(float a, float b, float c)> Sample(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (
            (float)Math.Round((random.NextDouble() * 3) - 1, 2),
            (float)Math.Round((random.NextDouble() * 4) - 1, 2),
            (float)Math.Round((random.NextDouble() * 2) - 1, 2)))];

    private static IEnumerable<object> Objects(IEnumerable<(float a, float b, float c)> rows) => rows.Select(t => (object)new { t.a, t.b, t.c });

    private static float[] Point((float a, float b, float c) row) => [row.a, row.b, row.c];

    // φ_i = Σ_{S ⊆ F∖{i}} |S|!(M−|S|−1)!/M! (v(S ∪ {i}) − v(S)), v(S) = E[f_k(x) | x_S] as TreeSHAP defines it, per class.
    private static double[] ShapleyByEnumeration(float[] x, List<float[]> background, int k)
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
                phi[i] += weight * (ConditionalExpectation(x, [.. s, i], background, k) - ConditionalExpectation(x, s, background, k));
            }
        }

        return phi;
    }

    // Class k's raw score down the known features' branches; at an unknown feature's split, both branches weighted by
    // how many background rows take each.
    private static double ConditionalExpectation(float[] x, HashSet<int> known, List<float[]> background, int k)
    {
        double total = Bases[k];
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
                return n.Weights[k];
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

    private static byte[] Classifier()
    {
        var leaves = Nodes.Where(n => n.Feature < 0).SelectMany(n => n.Weights.Select((w, k) => (n.Tree, n.Node, Class: k, Weight: w))).Where(l => l.Weight != 0).ToList();
        var ensemble = Node(
            "TreeEnsembleClassifier",
            ["features"],
            ["label", "probabilities"],
            "ai.onnx.ml",
            Ints("nodes_treeids", [.. Nodes.Select(n => (long)n.Tree)]),
            Ints("nodes_nodeids", [.. Nodes.Select(n => (long)n.Node)]),
            Ints("nodes_featureids", [.. Nodes.Select(n => (long)Math.Max(0, n.Feature))]),
            Floats("nodes_values", [.. Nodes.Select(n => n.Threshold)]),
            Strings("nodes_modes", [.. Nodes.Select(n => n.Feature < 0 ? "LEAF" : "BRANCH_LEQ")]),
            Ints("nodes_truenodeids", [.. Nodes.Select(n => (long)n.True)]),
            Ints("nodes_falsenodeids", [.. Nodes.Select(n => (long)n.False)]),
            Ints("class_treeids", [.. leaves.Select(l => (long)l.Tree)]),
            Ints("class_nodeids", [.. leaves.Select(l => (long)l.Node)]),
            Ints("class_ids", [.. leaves.Select(l => (long)l.Class)]),
            Floats("class_weights", [.. leaves.Select(l => l.Weight)]),
            Ints("classlabels_int64s", 0, 1, 2),
            Floats("base_values", Bases),
            Text("post_transform", "SOFTMAX"));
        return Model(
            [Node("Concat", Features, ["features"], "", Int("axis", 1)), ensemble],
            Features.Select(name => Tensor(name, Float, -1, 1)),
            [Tensor("label", 7, -1), Tensor("probabilities", Float, -1, 3)]);
    }
}
