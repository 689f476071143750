using Onnx;

namespace Serverless.Core.Explanations;

/// <summary>
/// The trees of an <c>ai.onnx.ml</c> TreeEnsembleRegressor with one target, or of one class of a TreeEnsembleClassifier,
/// read from the graph, scoring the raw sum (<c>base_values</c> plus the leaves reached; averaged when
/// <c>aggregate_function</c> is AVERAGE). ONNX keeps no node
/// covers, so <see cref="SetCovers"/> counts how many background rows reach each node: what path-dependent TreeSHAP
/// weighs a branch by when its feature is unknown.
/// </summary>
internal sealed class TreeEnsemble
{
    private TreeEnsemble(Tree[] trees, double bias, double scale)
    {
        Trees = trees;
        Bias = bias;
        Scale = scale;
    }

    /// <summary>The trees.</summary>
    public IReadOnlyList<Tree> Trees { get; }

    /// <summary>The constant added to the trees' sum (<c>base_values</c>).</summary>
    public double Bias { get; }

    /// <summary>The factor the trees' sum is multiplied by (1, or 1/trees for AVERAGE).</summary>
    public double Scale { get; }

    /// <summary>The highest feature index a split uses, plus one.</summary>
    public int FeatureCount => Trees.Count == 0 ? 0 : Trees.Max(t => t.Feature.DefaultIfEmpty(-1).Max()) + 1;

    /// <summary>Reads the ensemble of <paramref name="node"/>; null (with the reason) when it is not one this reads.</summary>
    public static TreeEnsemble? Read(NodeProto node, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(node);
        problem = null;
        var attributes = node.Attribute.ToDictionary(a => a.Name, StringComparer.Ordinal);
        string Text(string name, string fallback) => attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;
        long[] Ints(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Ints] : [];
        float[] Floats(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Floats] : [];

        if (node.OpType != "TreeEnsembleRegressor")
        {
            problem = $"{node.OpType} is not read (only TreeEnsembleRegressor)";
            return null;
        }

        if (attributes.TryGetValue("n_targets", out var targets) && targets.I != 1)
        {
            problem = "the ensemble has more than one target";
            return null;
        }

        if (Text("post_transform", "NONE") != "NONE")
        {
            problem = "the ensemble has a post_transform";
            return null;
        }

        string aggregate = Text("aggregate_function", "SUM");
        if (aggregate is not ("SUM" or "AVERAGE"))
        {
            problem = $"the ensemble aggregates with {aggregate}";
            return null;
        }

        if (attributes.ContainsKey("nodes_values_as_tensor") || attributes.ContainsKey("target_weights_as_tensor"))
        {
            problem = "the ensemble keeps its values as tensors";
            return null;
        }

        float[] bases = Floats("base_values");
        return Build(attributes, Ints("target_treeids"), Ints("target_nodeids"), Floats("target_weights"), bases.Length > 0 ? bases[0] : 0, aggregate == "AVERAGE", out problem);
    }

    /// <summary>
    /// Reads a TreeEnsembleClassifier of three or more classes as one ensemble per class, each scoring that class's raw
    /// score (its <c>base_values</c> entry plus the class weights of the leaves reached; before the post_transform);
    /// null (with the reason) when it is not one this reads.
    /// </summary>
    /// <param name="node">The classifier.</param>
    /// <param name="labels">Its class labels, in class order.</param>
    /// <param name="problem">Why it is not read.</param>
    public static IReadOnlyList<TreeEnsemble>? ReadClasses(NodeProto node, out IReadOnlyList<string> labels, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(node);
        var attributes = node.Attribute.ToDictionary(a => a.Name, StringComparer.Ordinal);
        long[] Ints(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Ints] : [];
        float[] Floats(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Floats] : [];
        labels = attributes.TryGetValue("classlabels_strings", out var strings) && strings.Strings.Count > 0
            ? [.. strings.Strings.Select(b => b.ToStringUtf8())]
            : [.. Ints("classlabels_int64s").Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (node.OpType != "TreeEnsembleClassifier")
        {
            problem = $"{node.OpType} is not a TreeEnsembleClassifier";
            return null;
        }

        if (labels.Count < 3)
        {
            // A binary classifier's weights may be for one class only, with the other implied: ONNX's special case.
            problem = "the classifier has fewer than three classes";
            return null;
        }

        if (attributes.ContainsKey("nodes_values_as_tensor") || attributes.ContainsKey("class_weights_as_tensor") || attributes.ContainsKey("base_values_as_tensor"))
        {
            problem = "the ensemble keeps its values as tensors";
            return null;
        }

        long[] classTrees = Ints("class_treeids");
        long[] classNodes = Ints("class_nodeids");
        long[] classIds = Ints("class_ids");
        float[] classWeights = Floats("class_weights");
        float[] bases = Floats("base_values");
        int count = labels.Count;
        if (classNodes.Length != classTrees.Length || classIds.Length != classTrees.Length || classWeights.Length != classTrees.Length
            || classIds.Any(c => c < 0 || c >= count) || (bases.Length != 0 && bases.Length != count))
        {
            problem = "the classifier's class attributes do not match its classes";
            return null;
        }

        var ensembles = new List<TreeEnsemble>(count);
        for (int k = 0; k < count; k++)
        {
            var mine = Enumerable.Range(0, classIds.Length).Where(i => classIds[i] == k).ToArray();
            var ensemble = Build(attributes, [.. mine.Select(i => classTrees[i])], [.. mine.Select(i => classNodes[i])], [.. mine.Select(i => classWeights[i])], bases.Length > 0 ? bases[k] : 0, average: false, out problem);
            if (ensemble is null)
            {
                return null;
            }

            ensembles.Add(ensemble);
        }

        problem = null;
        return ensembles;
    }

    private static TreeEnsemble? Build(
        Dictionary<string, AttributeProto> attributes, long[] targetTrees, long[] targetNodes, float[] targetWeights, double bias, bool average, out string? problem)
    {
        problem = null;
        long[] Ints(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Ints] : [];
        float[] Floats(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Floats] : [];
        byte[][] Strings(string name) => attributes.TryGetValue(name, out var a) ? [.. a.Strings.Select(s => s.ToByteArray())] : [];

        long[] treeIds = Ints("nodes_treeids");
        long[] nodeIds = Ints("nodes_nodeids");
        long[] featureIds = Ints("nodes_featureids");
        float[] values = Floats("nodes_values");
        byte[][] modes = Strings("nodes_modes");
        long[] trueIds = Ints("nodes_truenodeids");
        long[] falseIds = Ints("nodes_falsenodeids");
        long[] missingTrue = Ints("nodes_missing_value_tracks_true");
        int n = treeIds.Length;
        if (nodeIds.Length != n || featureIds.Length != n || values.Length != n || modes.Length != n || trueIds.Length != n || falseIds.Length != n
            || targetNodes.Length != targetTrees.Length || targetWeights.Length != targetTrees.Length)
        {
            problem = "the ensemble's node attributes differ in length";
            return null;
        }

        var index = new Dictionary<(long Tree, long Node), int>();
        var perTree = new SortedDictionary<long, List<int>>();
        for (int i = 0; i < n; i++)
        {
            if (!perTree.TryGetValue(treeIds[i], out var list))
            {
                perTree[treeIds[i]] = list = [];
            }

            index[(treeIds[i], nodeIds[i])] = list.Count;
            list.Add(i);
        }

        var leafValues = new Dictionary<(long, long), double>();
        for (int t = 0; t < targetTrees.Length; t++)
        {
            leafValues[(targetTrees[t], targetNodes[t])] = leafValues.GetValueOrDefault((targetTrees[t], targetNodes[t])) + targetWeights[t];
        }

        var trees = new List<Tree>(perTree.Count);
        foreach (var (treeId, members) in perTree)
        {
            int count = members.Count;
            var tree = new Tree(count);
            for (int local = 0; local < count; local++)
            {
                int i = members[local];
                string mode = System.Text.Encoding.ASCII.GetString(modes[i]);
                if (mode == "LEAF")
                {
                    tree.Feature[local] = -1;
                    tree.Value[local] = leafValues.GetValueOrDefault((treeId, nodeIds[i]));
                    continue;
                }

                if (!Enum.TryParse<SplitMode>(mode.Replace("BRANCH_", "", StringComparison.Ordinal), ignoreCase: true, out var split)
                    || !index.TryGetValue((treeId, trueIds[i]), out int yes) || !index.TryGetValue((treeId, falseIds[i]), out int no))
                {
                    problem = $"tree {treeId} has a node this does not read (mode {mode})";
                    return null;
                }

                tree.Feature[local] = checked((int)featureIds[i]);
                tree.Threshold[local] = values[i];
                tree.Mode[local] = split;
                tree.True[local] = yes;
                tree.False[local] = no;
                tree.MissingTrue[local] = missingTrue.Length > i && missingTrue[i] != 0;
            }

            // The root is the node with id 0 when there is one, else the tree's first node.
            tree.Root = index.TryGetValue((treeId, 0), out int root) ? root : 0;
            trees.Add(tree);
        }

        double scale = average && trees.Count > 0 ? 1.0 / trees.Count : 1.0;
        return new TreeEnsemble([.. trees], bias, scale);
    }

    /// <summary>The raw score of one row of the ensemble's input.</summary>
    public double Score(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (var tree in Trees)
        {
            sum += tree.Value[tree.Leaf(x)];
        }

        return Bias + (Scale * sum);
    }

    /// <summary>Counts the rows of <paramref name="background"/> (row-major, <paramref name="width"/> wide) that reach each node.</summary>
    public void SetCovers(float[] background, int width)
    {
        ArgumentNullException.ThrowIfNull(background);
        int rows = background.Length / width;
        foreach (var tree in Trees)
        {
            Array.Clear(tree.Cover);
            for (int r = 0; r < rows; r++)
            {
                var x = background.AsSpan(r * width, width);
                int node = tree.Root;
                tree.Cover[node]++;
                while (tree.Feature[node] >= 0)
                {
                    node = tree.Next(node, x);
                    tree.Cover[node]++;
                }
            }
        }
    }

    /// <summary>A split's comparison, as <c>nodes_modes</c> names it (without <c>BRANCH_</c>).</summary>
    internal enum SplitMode
    {
        Leq,
        Lt,
        Gte,
        Gt,
        Eq,
        Neq,
    }

    /// <summary>One tree, its nodes numbered from 0; <see cref="Feature"/> is -1 at a leaf.</summary>
    internal sealed class Tree(int count)
    {
        public int Root { get; set; }

        public int[] Feature { get; } = new int[count];

        public double[] Threshold { get; } = new double[count];

        public SplitMode[] Mode { get; } = new SplitMode[count];

        public int[] True { get; } = new int[count];

        public int[] False { get; } = new int[count];

        public bool[] MissingTrue { get; } = new bool[count];

        public double[] Value { get; } = new double[count];

        public double[] Cover { get; } = new double[count];

        public int Depth => DepthOf(Root);

        /// <summary>The child <paramref name="x"/> goes to from split <paramref name="node"/>.</summary>
        public int Next(int node, ReadOnlySpan<float> x)
        {
            double v = x[Feature[node]];
            double t = Threshold[node];
            bool yes = double.IsNaN(v) ? MissingTrue[node] : Mode[node] switch
            {
                SplitMode.Leq => v <= t,
                SplitMode.Lt => v < t,
                SplitMode.Gte => v >= t,
                SplitMode.Gt => v > t,
                SplitMode.Eq => v == t,
                _ => v != t,
            };
            return yes ? True[node] : False[node];
        }

        public int Leaf(ReadOnlySpan<float> x)
        {
            int node = Root;
            while (Feature[node] >= 0)
            {
                node = Next(node, x);
            }

            return node;
        }

        private int DepthOf(int node) => Feature[node] < 0 ? 0 : 1 + Math.Max(DepthOf(True[node]), DepthOf(False[node]));
    }
}
