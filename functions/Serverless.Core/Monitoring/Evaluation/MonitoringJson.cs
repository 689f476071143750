using System.Text.Json.Serialization;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>Source-generated JSON for what monitoring stores and publishes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MonitoringBaseline))]
[JsonSerializable(typeof(WindowEvaluation))]
[JsonSerializable(typeof(MonitoringAlert))]
[JsonSerializable(typeof(List<ControlChartPoint>))]
[JsonSerializable(typeof(List<VersionOutcome>))]
[JsonSerializable(typeof(MonitoringView))]
internal sealed partial class MonitoringJson : JsonSerializerContext;
