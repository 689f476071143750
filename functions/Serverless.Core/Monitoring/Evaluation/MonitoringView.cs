using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>What <c>GET /models/{name}/monitoring</c> shows of a model.</summary>
/// <param name="Model">The model.</param>
/// <param name="ProductionVersion">The version its <c>production</c> alias points at, or null.</param>
/// <param name="WindowLength">The windows' length.</param>
/// <param name="Policy">Its effective policy.</param>
/// <param name="PendingWindows">Windows with samples that are not evaluated yet (still open, or waiting for the timer).</param>
/// <param name="Windows">The latest evaluated windows, newest first.</param>
/// <param name="Series">Per version and chart, its points over those windows, oldest first, with the window they belong to.</param>
/// <param name="Alerts">The latest alerts, newest window first.</param>
/// <param name="GuardrailActions">The guardrail's actions among them: rollbacks, canaries aborted, shadows stopped, and those held.</param>
public sealed record MonitoringView(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("productionVersion")] int? ProductionVersion,
    [property: JsonPropertyName("windowLength")] TimeSpan WindowLength,
    [property: JsonPropertyName("policy")] MonitoringPolicy Policy,
    [property: JsonPropertyName("pendingWindows")] IReadOnlyList<DateTimeOffset> PendingWindows,
    [property: JsonPropertyName("windows")] IReadOnlyList<WindowEvaluation> Windows,
    [property: JsonPropertyName("series")] IReadOnlyList<ControlChartSeries> Series,
    [property: JsonPropertyName("alerts")] IReadOnlyList<MonitoringAlert> Alerts,
    [property: JsonPropertyName("guardrailActions")] IReadOnlyList<MonitoringAlert> GuardrailActions);
