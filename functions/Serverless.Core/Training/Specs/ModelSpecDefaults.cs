namespace Serverless.Core.Training.Specs;

/// <summary>The effective value of each optional spec setting, so that every reader of a spec uses the same defaults.</summary>
public static class ModelSpecDefaults
{
    /// <summary>How a source names an uploaded dataset: <c>dataset:name</c>.</summary>
    public const string DatasetSourcePrefix = "dataset:";

    /// <summary>The longest manual-approval timeout a spec may set.</summary>
    public static readonly TimeSpan MaxApprovalTimeout = TimeSpan.FromDays(30);

    private static readonly IReadOnlyList<string> DefaultMissingValues = [string.Empty, "?"];

    /// <summary>The share of rows held out for evaluation (default 0.2).</summary>
    public static double HoldoutFraction(ModelSpec spec) => Checked(spec).Trainer?.HoldoutFraction ?? 0.2;

    /// <summary>The seed of the holdout split and the trainer (default 42).</summary>
    public static int Seed(ModelSpec spec) => Checked(spec).Trainer?.Seed ?? 42;

    /// <summary>Cell values, after trimming, that mean missing (default <c>""</c> and <c>?</c>).</summary>
    public static IReadOnlyList<string> MissingValues(ModelSpec spec) => Checked(spec).Data?.MissingValues ?? DefaultMissingValues;

    /// <summary>Whether a CSV's first line names its columns (default true).</summary>
    public static bool HasHeader(ModelSpec spec) => Checked(spec).Data?.HasHeader ?? true;

    /// <summary>A CSV's field separator (default <c>,</c>).</summary>
    public static char Separator(ModelSpec spec) => Checked(spec).Data?.Separator is { Length: 1 } separator ? separator[0] : ',';

    /// <summary>What happens to a missing numeric feature value (default <c>mean</c>).</summary>
    public static string NumericMissing(ModelSpec spec) => Checked(spec).Data?.Missing?.Numeric ?? MissingValuePolicies.Mean;

    /// <summary>What happens to a missing categorical feature value (default <c>category</c>).</summary>
    public static string CategoricalMissing(ModelSpec spec) => Checked(spec).Data?.Missing?.Categorical ?? MissingValuePolicies.Category;

    /// <summary>Whether a protected attribute is kept out of the features (default true).</summary>
    public static bool ExcludeFromFeatures(ProtectedAttributeSpec attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return attribute.ExcludeFromFeatures ?? true;
    }

    /// <summary>
    /// The format of the data at <paramref name="source"/> (<c>container/path</c> or <c>dataset:name</c>): the spec's
    /// <c>data.format</c>, else the path's extension (uploaded datasets are CSV); null when neither says.
    /// </summary>
    public static string? Format(ModelSpec spec, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Checked(spec).Data?.Format is { } format)
        {
            return format;
        }

        if (source.StartsWith(DatasetSourcePrefix, StringComparison.Ordinal))
        {
            return DataFormats.Csv;
        }

        return source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? DataFormats.Csv
            : source.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? DataFormats.Parquet
            : null;
    }

    /// <summary>The spec's data source as one string: <c>data.source</c>, or <c>dataset:name</c> for <c>data.dataset</c>.</summary>
    public static string? Source(ModelSpec spec) =>
        Checked(spec).Data?.Source ?? (spec.Data?.Dataset is { } dataset ? DatasetSourcePrefix + dataset : null);

    /// <summary>Approval mode (default <c>automatic</c>).</summary>
    public static string ApprovalMode(ModelSpec spec) => Checked(spec).Approval?.Mode ?? ApprovalModes.Automatic;

    /// <summary>How long a manual approval waits before the candidate is rejected (default 1 day).</summary>
    public static TimeSpan ApprovalTimeout(ModelSpec spec) => Checked(spec).Approval?.Timeout ?? TimeSpan.FromDays(1);

    /// <summary>The lowest acceptable disparate-impact ratio (default 0.8).</summary>
    public static double MinDisparateImpact(ModelSpec spec) => Checked(spec).Gates?.Fairness?.MinDisparateImpact ?? 0.8;

    /// <summary>The largest acceptable equal-opportunity difference (default 0.1).</summary>
    public static double MaxEqualOpportunityDifference(ModelSpec spec) => Checked(spec).Gates?.Fairness?.MaxEqualOpportunityDifference ?? 0.1;

    private static ModelSpec Checked(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec;
    }
}
