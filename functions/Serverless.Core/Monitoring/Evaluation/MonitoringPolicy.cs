using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Monitoring.Statistics;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>A model's effective monitoring settings: its spec's <c>monitoring</c> section over the app's <c>Monitoring__*</c> settings.</summary>
/// <param name="Task">The spec's task, or null when the model has no spec.</param>
/// <param name="SampleRate">Share of predictions sampled.</param>
/// <param name="ControlLimitSigma">Control limits in sigma.</param>
/// <param name="Drift">The drift tests' thresholds and minimum sample size.</param>
/// <param name="GuardrailAction"><c>rollback</c> or <c>alert</c>.</param>
/// <param name="GuardrailWindows">Breached windows in a row before the guardrail acts.</param>
/// <param name="PositiveLabels">Binary: the spec's positive label values (beside <c>true</c> and <c>1</c>).</param>
public sealed record MonitoringPolicy(
    string? Task,
    double SampleRate,
    double ControlLimitSigma,
    DriftOptions Drift,
    string GuardrailAction,
    int GuardrailWindows,
    IReadOnlyList<string> PositiveLabels)
{
    /// <summary>The policy of a model with <paramref name="spec"/> (null: none) under <paramref name="options"/>.</summary>
    public static MonitoringPolicy For(ModelSpec? spec, MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var monitoring = spec?.Monitoring;
        return new MonitoringPolicy(
            spec?.Task,
            monitoring?.SampleRate ?? options.SampleRate,
            monitoring?.ControlLimitSigma ?? options.ControlLimitSigma,
            new DriftOptions(
                monitoring?.PsiThreshold ?? options.PsiThreshold,
                monitoring?.PValueThreshold ?? options.PValueThreshold,
                options.MinimumSamples),
            monitoring?.Guardrail?.Action ?? options.GuardrailAction,
            monitoring?.Guardrail?.Windows ?? options.GuardrailWindows,
            spec?.Data?.Label?.Positive ?? []);
    }
}
