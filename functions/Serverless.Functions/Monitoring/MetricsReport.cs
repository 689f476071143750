namespace Serverless.Functions.Monitoring;

/// <summary>The answer of <c>GET /monitoring/metrics</c>: this instance's platform instruments, read when it was asked.</summary>
/// <param name="Instruments">Every instrument of the <c>Serverless.*</c> meters that has recorded something.</param>
public sealed record MetricsReport(IReadOnlyList<InstrumentReading> Instruments);
