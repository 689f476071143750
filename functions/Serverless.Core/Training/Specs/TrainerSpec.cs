using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>How a candidate is made.</summary>
/// <param name="Name"><c>fasttree</c>, <c>lightgbm</c>, <c>linear</c> (ML.NET, trained by the line) or <c>external</c> (the candidate is a version registered by another pipeline).</param>
/// <param name="Hyperparameters">The trainer's options by name (numbers), such as <c>numberOfTrees</c>; unknown names are refused.</param>
/// <param name="HoldoutFraction">The share of rows kept out of training to evaluate candidate and champion (default 0.2).</param>
/// <param name="Seed">Seeds the holdout split and the trainer (default 42).</param>
public sealed record TrainerSpec(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("hyperparameters")] IReadOnlyDictionary<string, JsonElement>? Hyperparameters = null,
    [property: JsonPropertyName("holdoutFraction")] double? HoldoutFraction = null,
    [property: JsonPropertyName("seed")] int? Seed = null);
