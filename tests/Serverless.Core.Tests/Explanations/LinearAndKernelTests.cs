using Serverless.Core.Explanations;
using Serverless.Core.Serving;
using static Serverless.Core.Tests.Explanations.ExplanationModels;

namespace Serverless.Core.Tests.Explanations;

public sealed class LinearAndKernelTests
{
    private static readonly float[] Coefficients = [0.8f, -1.5f, 0.4f, -0.7f, 1.1f];
    private static readonly float[] Scales = [0.5f, 2f, 1f, 1f, 1f];
    private const float Intercept = 0.3f;
    private const float Slope = 1.7f;
    private const float Offset = -0.2f;
    private static readonly string[] Categories = ["a", "b", "c"];
    private static readonly string[] Abc = ["a", "b", "c"];

    [Fact]
    public void Explain_LogisticRegression_AttributionIsCoefficientTimesDeviationFromBackgroundMean()
    {
        byte[] onnx = Logistic();
        using var model = Load(onnx);
        var random = new Random(2);
        var background = Enumerable.Range(0, 50).Select(_ => (x1: (float)random.Next(-20, 20) / 4, x2: (float)random.Next(0, 10) / 8, k: Categories[random.Next(3)])).ToList();
        using var explainer = Explainer(onnx, model, Rows(model, background.Select(b => (object)new { b.x1, b.x2, kind = b.k })));
        var rows = new[] { (x1: 3f, x2: 0.25f, k: "b"), (x1: -1.5f, x2: 1f, k: "c"), (x1: 0f, x2: 0f, k: "a") };

        var explained = explainer.Explain(Rows(model, rows.Select(r => (object)new { r.x1, r.x2, kind = r.k })));
        var probabilities = Run(model, Rows(model, rows.Select(r => (object)new { r.x1, r.x2, kind = r.k })), "Probability");

        Assert.Equal("linear", explainer.Method);
        Assert.Equal("log-odds", explainer.Space);
        for (int r = 0; r < rows.Length; r++)
        {
            // Log-odds = Slope × score + Offset, score = Σ coefficient × scale × column + intercept.
            double Weight(int column) => Slope * Coefficients[column] * Scales[column];
            double expectedX1 = Weight(0) * (rows[r].x1 - background.Average(b => b.x1));
            double expectedX2 = Weight(1) * (rows[r].x2 - background.Average(b => b.x2));
            double expectedKind = Enumerable.Range(0, 3).Sum(k => Weight(2 + k) * ((rows[r].k == Categories[k] ? 1 : 0) - background.Average(b => b.k == Categories[k] ? 1.0 : 0)));
            Assert.Equal(expectedX1, explained[r].Attributions["x1"], 5);
            Assert.Equal(expectedX2, explained[r].Attributions["x2"], 5);
            Assert.Equal(expectedKind, explained[r].Attributions["kind"], 5);
            Assert.Equal(Math.Log(probabilities[r] / (1 - probabilities[r])), explained[r].Output, 4);
            Assert.Equal(explained[r].Output - explained[r].Baseline, explained[r].Attributions.Values.Sum(), 6);
        }
    }

    [Fact]
    public void Explain_ArithmeticGraph_KernelShapEqualsExactShapleyValues()
    {
        // y = a × b + c: no tree ensemble or linear model, so Kernel SHAP explains it.
        byte[] onnx = Model(
            [Node("Mul", ["a", "b"], ["ab"]), Node("Add", ["ab", "c"], ["value"])],
            Abc.Select(n => Tensor(n, Float, -1, 1)),
            [Tensor("value", Float, -1, 1)]);
        using var model = Load(onnx);
        var random = new Random(4);
        var background = Enumerable.Range(0, 8).Select(_ => new[] { (float)random.Next(-4, 5), (float)random.Next(-4, 5), (float)random.Next(-4, 5) }).ToList();
        using var explainer = Explainer(onnx, model, Rows(model, background.Select(b => (object)new { a = b[0], b = b[1], c = b[2] })));
        float[] x = [2f, -3f, 1.5f];

        var explained = explainer.Explain(Rows(model, new object[] { new { a = x[0], b = x[1], c = x[2] } }))[0];

        // v(S) = mean over the background of f(x_S, b_rest); φ_i by enumerating every coalition.
        double V(int mask) => background.Average(b =>
        {
            float Pick(int i) => (mask & (1 << i)) != 0 ? x[i] : b[i];
            return (Pick(0) * Pick(1)) + Pick(2);
        });
        double[] weights = [1.0 / 3, 1.0 / 6, 1.0 / 3];
        string[] names = ["a", "b", "c"];
        Assert.Equal("kernel-shap", explainer.Method);
        Assert.Equal("value", explainer.Space);
        for (int i = 0; i < 3; i++)
        {
            double expected = 0;
            for (int mask = 0; mask < 8; mask++)
            {
                if ((mask & (1 << i)) == 0)
                {
                    expected += weights[System.Numerics.BitOperations.PopCount((uint)mask)] * (V(mask | (1 << i)) - V(mask));
                }
            }

            Assert.Equal(expected, explained.Attributions[names[i]], 5);
        }

        Assert.Equal(V(0), explained.Baseline, 5);
        Assert.Equal((x[0] * x[1]) + x[2], explained.Output, 5);
    }

    [Fact]
    public void Explain_ManyInputsFewSamples_KernelShapStillAddsUp()
    {
        string[] names = ["a", "b", "c", "d", "e", "f", "g"];
        byte[] onnx = Model(
            [Node("Mul", ["a", "b"], ["ab"]), Node("Mul", ["c", "d"], ["cd"]), Node("Add", ["ab", "cd"], ["s1"]), Node("Sub", ["e", "f"], ["s2"]),
             Node("Add", ["s1", "s2"], ["s3"]), Node("Mul", ["s3", "g"], ["value"])],
            names.Select(n => Tensor(n, Float, -1, 1)),
            [Tensor("value", Float, -1, 1)]);
        using var model = Load(onnx);
        var random = new Random(9);
        var background = Rows(model, Enumerable.Range(0, 10).Select(_ => (object)names.ToDictionary(n => n, _ => (float)random.Next(-3, 4))));
        using var explainer = Explainer(onnx, model, background, kernelSamples: 40);

        var explained = explainer.Explain(Rows(model, new object[] { names.ToDictionary(n => n, n => (float)(n[0] - 'a' + 1)) }))[0];

        Assert.Equal(((1 * 2) + (3 * 4) + (5 - 6)) * 7, explained.Output, 4);
        Assert.Equal(explained.Output - explained.Baseline, explained.Attributions.Values.Sum(), 6);
        Assert.All(explained.Attributions.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Explain_CancelledKernelShap_StopsWithOperationCanceledInsteadOfRunningOn()
    {
        byte[] onnx = Model(
            [Node("Mul", ["a", "b"], ["ab"]), Node("Add", ["ab", "c"], ["value"])],
            Abc.Select(n => Tensor(n, Float, -1, 1)),
            [Tensor("value", Float, -1, 1)]);
        using var model = Load(onnx);
        using var explainer = Explainer(onnx, model, Rows(model, Enumerable.Range(0, 8).Select(i => (object)new { a = (float)i, b = 1f, c = 2f })));
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();

        Assert.Throws<OperationCanceledException>(() => explainer.Explain(Rows(model, [new { a = 1f, b = 2f, c = 3f }]), stopped.Token));
        Assert.Single(explainer.Explain(Rows(model, [new { a = 1f, b = 2f, c = 3f }]), CancellationToken.None));
    }

    [Fact]
    public void ExplainWithin_KernelShapRunsPastTheLimit_StoppedWithALimitErrorNamingTheSetting()
    {
        string[] names = ["a", "b", "c", "d", "e", "f", "g"];
        byte[] onnx = Model(
            [Node("Mul", ["a", "b"], ["ab"]), Node("Mul", ["c", "d"], ["cd"]), Node("Add", ["ab", "cd"], ["s1"]), Node("Sub", ["e", "f"], ["s2"]),
             Node("Add", ["s1", "s2"], ["s3"]), Node("Mul", ["s3", "g"], ["value"])],
            names.Select(n => Tensor(n, Float, -1, 1)),
            [Tensor("value", Float, -1, 1)]);
        using var model = Load(onnx);
        var random = new Random(9);
        var background = Rows(model, Enumerable.Range(0, 32).Select(_ => (object)names.ToDictionary(n => n, _ => (float)random.Next(-3, 4))));
        using var explainer = Explainer(onnx, model, background, kernelSamples: 4096);
        var rows = Rows(model, Enumerable.Range(0, 100).Select(_ => (object)names.ToDictionary(n => n, _ => (float)random.Next(-3, 4))));
        using var gone = new CancellationTokenSource();
        gone.Cancel();

        // A budget spent before the work starts: whether a timer fires before the work ends depends on how busy the thread pool is.
        var stopped = Assert.Throws<RequestLimitExceededException>(() => ExplanationService.ExplainWithin(explainer, rows, TimeSpan.Zero, CancellationToken.None));
        Assert.Contains("Explanations__MaxRunTime", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("explain fewer rows per request", stopped.Message, StringComparison.Ordinal);

        // A caller that went away is not a limit.
        Assert.ThrowsAny<OperationCanceledException>(() => ExplanationService.ExplainWithin(explainer, rows, TimeSpan.FromMinutes(1), gone.Token));
    }

    private static byte[] Logistic() => Model(
        [
            Node("OneHotEncoder", ["kind"], ["kind_onehot"], "ai.onnx.ml", Strings("cats_strings", Categories), Int("zeros", 1)),
            Node("FeatureVectorizer", ["x1", "x2", "kind_onehot"], ["features"], "ai.onnx.ml", Ints("inputdimensions", 1, 1, 3)),
            Node("Scaler", ["features"], ["scaled"], "ai.onnx.ml", Floats("offset", 0, 0, 0, 0, 0), Floats("scale", Scales)),
            Node("LinearRegressor", ["scaled"], ["Score"], "ai.onnx.ml", Floats("coefficients", Coefficients), Floats("intercepts", Intercept), Text("post_transform", "NONE"), Int("targets", 1)),
            Node("Mul", ["Score", "Slope"], ["scaledScore"]),
            Node("Add", ["scaledScore", "Offset"], ["logit"]),
            Node("Sigmoid", ["logit"], ["Probability"]),
        ],
        [Tensor("x1", Float, -1, 1), Tensor("x2", Float, -1, 1), Tensor("kind", StringType, -1, 1)],
        [Tensor("Score", Float, -1, 1), Tensor("Probability", Float, -1, 1)],
        [Scalar("Slope", Slope), Scalar("Offset", Offset)]);
}
