using System.Text.Json.Serialization;
using Serverless.Core.Training.Evaluation;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Candidate and champion on the same holdout.</summary>
/// <param name="Candidate">The candidate's report.</param>
/// <param name="Champion">The production version's report; null when there is none or it cannot take this data.</param>
/// <param name="ChampionVersion">The production version, if any.</param>
/// <param name="ChampionNote">Why there is no champion report, when there is not.</param>
public sealed record EvaluationStepResult(
    [property: JsonPropertyName("candidate")] EvaluationReport Candidate,
    [property: JsonPropertyName("champion")] EvaluationReport? Champion,
    [property: JsonPropertyName("championVersion")] int? ChampionVersion,
    [property: JsonPropertyName("championNote")] string? ChampionNote);
