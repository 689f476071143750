using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>One thing wrong with a spec.</summary>
/// <param name="Field">Where, as a JSON path such as <c>data.features[2].type</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record SpecError(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);
