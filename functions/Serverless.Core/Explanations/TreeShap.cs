namespace Serverless.Core.Explanations;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, "Consistent individualized feature attribution for tree
/// ensembles", Algorithm 2): the Shapley values of <c>v(S) = E[f(x) | x_S]</c>, where a split on a feature outside S
/// sends the row down both branches weighted by their covers, in time polynomial in the depth.
/// </summary>
internal static class TreeShap
{
    /// <summary>The ensemble's expected raw score over its covers: <c>v(∅)</c>.</summary>
    public static double ExpectedValue(TreeEnsemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        double sum = 0;
        foreach (var tree in ensemble.Trees)
        {
            double root = tree.Cover[tree.Root];
            for (int node = 0; node < tree.Feature.Length; node++)
            {
                if (tree.Feature[node] < 0 && root > 0)
                {
                    sum += tree.Value[node] * tree.Cover[node] / root;
                }
            }
        }

        return ensemble.Bias + (ensemble.Scale * sum);
    }

    /// <summary>Adds the attributions of row <paramref name="x"/> to <paramref name="phi"/> (one per column of the ensemble's input).</summary>
    public static void Explain(TreeEnsemble ensemble, ReadOnlySpan<float> x, Span<double> phi)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var row = x.ToArray();
        var result = new double[phi.Length];
        foreach (var tree in ensemble.Trees)
        {
            int depth = tree.Depth;
            var path = new PathElement[(depth + 2) * (depth + 3) / 2];
            Recurse(tree, row, result, ensemble.Scale, tree.Root, 0, path, 0, 1, 1, -1);
        }

        for (int i = 0; i < phi.Length; i++)
        {
            phi[i] += result[i];
        }
    }

    private static void Recurse(
        TreeEnsemble.Tree tree,
        float[] x,
        double[] phi,
        double scale,
        int node,
        int depth,
        PathElement[] path,
        int parentStart,
        double parentZero,
        double parentOne,
        int parentFeature)
    {
        // Each level works on its own copy of the path, laid out after its parent's.
        int start = parentStart + depth;
        Array.Copy(path, parentStart, path, start, depth);
        Extend(path, start, depth, parentZero, parentOne, parentFeature);
        int feature = tree.Feature[node];
        if (feature < 0)
        {
            for (int i = 1; i <= depth; i++)
            {
                double w = UnwoundSum(path, start, depth, i);
                var element = path[start + i];
                phi[element.Feature] += w * (element.One - element.Zero) * tree.Value[node] * scale;
            }

            return;
        }

        int hot = tree.Next(node, x);
        int cold = hot == tree.True[node] ? tree.False[node] : tree.True[node];
        double cover = tree.Cover[node];
        double hotZero = cover > 0 ? tree.Cover[hot] / cover : 0;
        double coldZero = cover > 0 ? tree.Cover[cold] / cover : 0;
        double incomingZero = 1;
        double incomingOne = 1;

        // A feature split on again higher up is taken out of the path and put back with this split's fractions.
        int index = 0;
        for (; index <= depth; index++)
        {
            if (path[start + index].Feature == feature)
            {
                break;
            }
        }

        if (index != depth + 1)
        {
            incomingZero = path[start + index].Zero;
            incomingOne = path[start + index].One;
            Unwind(path, start, depth, index);
            depth--;
        }

        if (hotZero * incomingZero != 0 || incomingOne != 0)
        {
            Recurse(tree, x, phi, scale, hot, depth + 1, path, start, hotZero * incomingZero, incomingOne, feature);
        }

        // A cold branch no background row reached weighs nothing.
        if (coldZero * incomingZero != 0)
        {
            Recurse(tree, x, phi, scale, cold, depth + 1, path, start, coldZero * incomingZero, 0, feature);
        }
    }

    private static void Extend(PathElement[] path, int start, int depth, double zero, double one, int feature)
    {
        path[start + depth] = new PathElement(feature, zero, one, depth == 0 ? 1 : 0);
        for (int i = depth - 1; i >= 0; i--)
        {
            path[start + i + 1].Weight += one * path[start + i].Weight * (i + 1) / (depth + 1);
            path[start + i].Weight = zero * path[start + i].Weight * (depth - i) / (depth + 1);
        }
    }

    private static void Unwind(PathElement[] path, int start, int depth, int index)
    {
        double one = path[start + index].One;
        double zero = path[start + index].Zero;
        double next = path[start + depth].Weight;
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double tmp = path[start + i].Weight;
                path[start + i].Weight = next * (depth + 1) / ((i + 1) * one);
                next = tmp - (path[start + i].Weight * zero * (depth - i) / (depth + 1));
            }
            else
            {
                path[start + i].Weight = path[start + i].Weight * (depth + 1) / (zero * (depth - i));
            }
        }

        for (int i = index; i < depth; i++)
        {
            var moved = path[start + i + 1];
            path[start + i] = new PathElement(moved.Feature, moved.Zero, moved.One, path[start + i].Weight);
        }
    }

    private static double UnwoundSum(PathElement[] path, int start, int depth, int index)
    {
        double one = path[start + index].One;
        double zero = path[start + index].Zero;
        double next = path[start + depth].Weight;
        double total = 0;
        for (int i = depth - 1; i >= 0; i--)
        {
            if (one != 0)
            {
                double tmp = next * (depth + 1) / ((i + 1) * one);
                total += tmp;
                next = path[start + i].Weight - (tmp * zero * (depth - i) / (depth + 1));
            }
            else if (zero != 0)
            {
                total += path[start + i].Weight / zero / ((depth - i) / (double)(depth + 1));
            }
        }

        return total;
    }

    private struct PathElement(int feature, double zero, double one, double weight)
    {
        public int Feature = feature;
        public double Zero = zero;
        public double One = one;
        public double Weight = weight;
    }
}
