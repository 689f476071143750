using System.Text.Json.Serialization;

namespace Serverless.Core.Training.Specs;

/// <summary>How a model is watched in production; every field falls back to the app's <c>Monitoring__*</c> settings.</summary>
/// <param name="SampleRate">Share of its predictions sampled, from 0 to 1.</param>
/// <param name="ControlLimitSigma">The control charts' limits in standard deviations from the centre line, from 1 to 6.</param>
/// <param name="PsiThreshold">A feature or the prediction drifts when its PSI is above this.</param>
/// <param name="PValueThreshold">A feature or the prediction drifts when a KS or chi-square p-value is below this.</param>
/// <param name="Guardrail">What happens when the model keeps breaching.</param>
public sealed record MonitoringSpec(
    [property: JsonPropertyName("sampleRate")] double? SampleRate = null,
    [property: JsonPropertyName("controlLimitSigma")] double? ControlLimitSigma = null,
    [property: JsonPropertyName("psiThreshold")] double? PsiThreshold = null,
    [property: JsonPropertyName("pValueThreshold")] double? PValueThreshold = null,
    [property: JsonPropertyName("guardrail")] GuardrailSpec? Guardrail = null);
