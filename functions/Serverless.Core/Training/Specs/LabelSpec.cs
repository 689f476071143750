using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>The column to predict.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Positive">
/// For a binary task, the value or values (after trimming, compared ordinally) that mean the positive class, such as
/// <c>["&gt;50K", "&gt;50K."]</c>, <c>"1"</c> or <c>"yes"</c>; every other value is the negative class. Required for binary.
/// </param>
public sealed record LabelSpec(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("positive"), JsonConverter(typeof(OneOrManyStringsConverter))] IReadOnlyList<string>? Positive = null);
