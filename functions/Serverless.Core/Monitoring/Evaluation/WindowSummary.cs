namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>What later windows need of an evaluated one: its chart points and each version's outcome.</summary>
internal sealed record WindowSummary(DateTimeOffset Start, IReadOnlyList<ControlChartPoint> Charts, IReadOnlyList<VersionOutcome> Versions);
