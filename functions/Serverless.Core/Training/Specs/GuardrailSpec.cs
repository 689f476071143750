using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>
/// What happens when the production version breaches (its predictions drift from its baseline, or a control chart of its
/// predictions or errors signals) in <paramref name="Windows"/> evaluated windows in a row.
/// </summary>
/// <param name="Action"><c>rollback</c> (the model alone goes back to its previous production version) or <c>alert</c> (alerts only).</param>
/// <param name="Windows">How many evaluated windows in a row, 1 to 100.</param>
public sealed record GuardrailSpec(
    [property: JsonPropertyName("action")] string? Action = null,
    [property: JsonPropertyName("windows")] int? Windows = null);
