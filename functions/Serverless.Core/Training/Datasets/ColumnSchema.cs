using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Datasets;

/// <summary>A column as the spec uses it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Role"><c>feature</c>, <c>label</c> or <c>protected</c>.</param>
/// <param name="Type"><c>numeric</c> or <c>categorical</c> (the label: the task).</param>
public sealed record ColumnSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("type")] string Type);
