using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Datasets;

/// <summary>
/// A feature's distribution in the training data, the reference monitoring compares live inputs against. Numeric:
/// quantile bin edges and each bin's share. Categorical: each category's share (the most frequent ones, the rest
/// together as <c>__other__</c>).
/// </summary>
/// <param name="Name">The feature.</param>
/// <param name="Type"><c>numeric</c> or <c>categorical</c>.</param>
/// <param name="MissingRate">Share of rows where it is missing.</param>
/// <param name="Mean">Numeric: mean of the present values.</param>
/// <param name="StandardDeviation">Numeric: standard deviation of the present values.</param>
/// <param name="BinEdges">Numeric: the inner edges of the quantile bins (a value v falls in bin i when edge[i-1] &lt; v &lt;= edge[i]).</param>
/// <param name="BinShares">Numeric: each bin's share of the present values (one more than the edges).</param>
/// <param name="Frequencies">Categorical: share per category.</param>
public sealed record FeatureBaseline(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("missingRate")] double MissingRate,
    [property: JsonPropertyName("mean")] double? Mean = null,
    [property: JsonPropertyName("standardDeviation")] double? StandardDeviation = null,
    [property: JsonPropertyName("binEdges")] IReadOnlyList<double>? BinEdges = null,
    [property: JsonPropertyName("binShares")] IReadOnlyList<double>? BinShares = null,
    [property: JsonPropertyName("frequencies")] IReadOnlyDictionary<string, double>? Frequencies = null);
