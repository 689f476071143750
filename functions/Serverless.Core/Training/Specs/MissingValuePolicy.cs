using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>What happens to missing values.</summary>
/// <param name="Numeric"><c>mean</c> (default: replaced inside the model by the training mean) or <c>drop</c> (the row is dropped).</param>
/// <param name="Categorical"><c>category</c> (default: missing is a category of its own) or <c>drop</c>.</param>
public sealed record MissingValuePolicy(
    [property: JsonPropertyName("numeric")] string? Numeric = null,
    [property: JsonPropertyName("categorical")] string? Categorical = null);
