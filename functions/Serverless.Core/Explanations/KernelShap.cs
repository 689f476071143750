using MathNet.Numerics.LinearAlgebra;

namespace Serverless.Core.Explanations;

/// <summary>
/// Kernel SHAP (Lundberg and Lee 2017) over the model's inputs: <c>v(S)</c> is the model's mean output over the
/// background rows with the inputs in S taken from the row explained. When every coalition fits in the sample budget
/// the Shapley values are computed exactly from all of them; otherwise coalitions are drawn from the Shapley kernel
/// (in complementary pairs, seeded) and the attributions fitted by least squares under the constraint that they sum to
/// <c>v(all) − v(∅)</c>.
/// </summary>
internal static class KernelShap
{
    /// <summary>The seed of the coalition draw.</summary>
    public const int Seed = 1705;

    // Rows per run of the model when evaluating coalitions.
    private const int MaxRunRows = 8192;

    /// <summary>Explains row <paramref name="row"/> of <paramref name="rows"/>.</summary>
    /// <param name="rows">The rows being explained.</param>
    /// <param name="row">Which one.</param>
    /// <param name="background">The background rows.</param>
    /// <param name="model">The model's numbers for each of a set of rows: <paramref name="outputs"/> per row, row after row.</param>
    /// <param name="samples">The most coalitions to evaluate.</param>
    /// <param name="outputs">How many numbers the model gives per row (one per class of a multiclass model, else 1).</param>
    /// <returns>Per output, per input, its attribution; per output, the row's value and the background's mean.</returns>
    public static (double[][] Phi, double[] Output, double[] Baseline) Explain(
        FeatureRows rows, int row, FeatureRows background, Func<FeatureRows, double[]> model, int samples, int outputs = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(model);
        int p = rows.Names.Count;
        bool exact = p < 20 && (1L << p) <= samples + 2;
        var coalitions = new List<bool[]> { new bool[p], Enumerable.Repeat(true, p).ToArray() };
        if (exact)
        {
            for (long mask = 1; mask < (1L << p) - 1; mask++)
            {
                coalitions.Add([.. Enumerable.Range(0, p).Select(i => (mask & (1L << i)) != 0)]);
            }
        }
        else
        {
            coalitions.AddRange(Draw(p, samples));
        }

        // The coalitions are evaluated once for every output; each output's Shapley values are linear in its own v.
        double[][] v = Evaluate(coalitions, rows, row, background, model, outputs);
        var phi = v.Select(vk => exact ? Shapley(p, coalitions, vk) : Fit(p, coalitions, vk)).ToArray();
        return (phi, [.. v.Select(vk => vk[1])], [.. v.Select(vk => vk[0])]);
    }

    private static double[] Shapley(int p, List<bool[]> coalitions, double[] v)
    {
        var value = new Dictionary<long, double>();
        for (int c = 0; c < coalitions.Count; c++)
        {
            value[Mask(coalitions[c])] = v[c];
        }

        var weights = new double[p];
        for (int s = 0; s < p; s++)
        {
            // |S|! (p − |S| − 1)! / p!
            weights[s] = 1.0 / (p * Binomial(p - 1, s));
        }

        var phi = new double[p];
        foreach (var (mask, without) in value)
        {
            int size = System.Numerics.BitOperations.PopCount((ulong)mask);
            for (int i = 0; i < p; i++)
            {
                if ((mask & (1L << i)) == 0)
                {
                    phi[i] += weights[size] * (value[mask | (1L << i)] - without);
                }
            }
        }

        return phi;
    }

    private static double[] Fit(int p, List<bool[]> coalitions, double[] v)
    {
        // φ_p = Δ − Σ_{i<p} φ_i turns the constrained fit into an ordinary one in p − 1 unknowns.
        double delta = v[1] - v[0];
        int n = coalitions.Count - 2;
        var x = Matrix<double>.Build.Dense(n, p - 1);
        var y = Vector<double>.Build.Dense(n);
        for (int c = 0; c < n; c++)
        {
            var z = coalitions[c + 2];
            double last = z[p - 1] ? 1 : 0;
            for (int i = 0; i < p - 1; i++)
            {
                x[c, i] = (z[i] ? 1 : 0) - last;
            }

            y[c] = v[c + 2] - v[0] - (last * delta);
        }

        // Coalitions are drawn in proportion to the Shapley kernel, so each counts once; a whisker of ridge keeps
        // inputs no coalition told apart solvable.
        var normal = x.TransposeThisAndMultiply(x) + (Matrix<double>.Build.DenseIdentity(p - 1) * 1e-9);
        var solved = normal.Solve(x.TransposeThisAndMultiply(y));
        var phi = new double[p];
        for (int i = 0; i < p - 1; i++)
        {
            phi[i] = solved[i];
        }

        phi[p - 1] = delta - solved.Sum();
        return phi;
    }

    private static List<bool[]> Draw(int p, int samples)
    {
        var random = new Random(Seed);
        var sizeWeights = Enumerable.Range(1, p - 1).Select(s => (p - 1.0) / (s * (p - s))).ToArray();
        double total = sizeWeights.Sum();
        var drawn = new List<bool[]>(samples);
        while (drawn.Count + 2 <= samples)
        {
            double u = random.NextDouble() * total;
            int size = 1;
            for (; size < p - 1 && (u -= sizeWeights[size - 1]) >= 0; size++)
            {
            }

            var order = Enumerable.Range(0, p).ToArray();
            random.Shuffle(order);
            var z = new bool[p];
            for (int i = 0; i < size; i++)
            {
                z[order[i]] = true;
            }

            drawn.Add(z);
            drawn.Add([.. z.Select(b => !b)]);
        }

        return drawn;
    }

    private static double[][] Evaluate(List<bool[]> coalitions, FeatureRows rows, int row, FeatureRows background, Func<FeatureRows, double[]> model, int outputs)
    {
        int k = background.Count;
        int perRun = Math.Max(1, MaxRunRows / k);
        var v = Enumerable.Range(0, outputs).Select(_ => new double[coalitions.Count]).ToArray();
        for (int start = 0; start < coalitions.Count; start += perRun)
        {
            int count = Math.Min(perRun, coalitions.Count - start);
            var composite = background.CreateEmpty(count * k);
            for (int c = 0; c < count; c++)
            {
                var z = coalitions[start + c];
                for (int b = 0; b < k; b++)
                {
                    int target = (c * k) + b;
                    for (int i = 0; i < z.Length; i++)
                    {
                        if (z[i])
                        {
                            composite.CopyInput(i, rows, row, target);
                        }
                        else
                        {
                            composite.CopyInput(i, background, b, target);
                        }
                    }
                }
            }

            double[] values = model(composite);
            for (int c = 0; c < count; c++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    double sum = 0;
                    for (int b = 0; b < k; b++)
                    {
                        sum += values[(((c * k) + b) * outputs) + o];
                    }

                    v[o][start + c] = sum / k;
                }
            }
        }

        return v;
    }

    private static long Mask(bool[] z)
    {
        long mask = 0;
        for (int i = 0; i < z.Length; i++)
        {
            if (z[i])
            {
                mask |= 1L << i;
            }
        }

        return mask;
    }

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
