using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>Where training data comes from and what its columns mean.</summary>
/// <param name="Source">A CSV or Parquet blob in the app's storage account, <c>container/path</c>, in one of <c>Training__DataContainers</c>; or null when <paramref name="Dataset"/> is set.</param>
/// <param name="Dataset">The name of a dataset uploaded with <c>POST /datasets/{name}</c> (its latest upload); or null when <paramref name="Source"/> is set.</param>
/// <param name="Format"><c>csv</c> or <c>parquet</c>; null means from the source's extension (uploaded datasets are CSV).</param>
/// <param name="HasHeader">Whether a CSV's first line names its columns (default true).</param>
/// <param name="Columns">The column names in file order, for a CSV without a header.</param>
/// <param name="Separator">A CSV's field separator (default <c>,</c>).</param>
/// <param name="MissingValues">Cell values that mean "missing" after trimming (default <c>""</c> and <c>?</c>).</param>
/// <param name="Features">The feature columns, each numeric or categorical.</param>
/// <param name="Label">The column to predict.</param>
/// <param name="Protected">Protected attributes, used for fairness evaluation and, unless excluded, as features.</param>
/// <param name="Missing">What to do with missing values.</param>
public sealed record DataSpec(
    [property: JsonPropertyName("source")] string? Source = null,
    [property: JsonPropertyName("dataset")] string? Dataset = null,
    [property: JsonPropertyName("format")] string? Format = null,
    [property: JsonPropertyName("hasHeader")] bool? HasHeader = null,
    [property: JsonPropertyName("columns")] IReadOnlyList<string>? Columns = null,
    [property: JsonPropertyName("separator")] string? Separator = null,
    [property: JsonPropertyName("missingValues")] IReadOnlyList<string>? MissingValues = null,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureSpec>? Features = null,
    [property: JsonPropertyName("label")] LabelSpec? Label = null,
    [property: JsonPropertyName("protected")] IReadOnlyList<ProtectedAttributeSpec>? Protected = null,
    [property: JsonPropertyName("missing")] MissingValuePolicy? Missing = null);
