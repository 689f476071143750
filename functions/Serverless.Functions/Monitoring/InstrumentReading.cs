namespace Serverless.Functions.Monitoring;

/// <summary>One instrument's current values on this instance, per tag set.</summary>
/// <param name="Meter">The meter it is published on.</param>
/// <param name="Name">The instrument's name.</param>
/// <param name="Unit">Its unit (UCUM: <c>s</c>, <c>By</c>, <c>{request}</c>...).</param>
/// <param name="Description">What it measures.</param>
/// <param name="Kind"><c>counter</c> (a sum that only grows), <c>updowncounter</c>, <c>gauge</c> or <c>histogram</c>.</param>
/// <param name="Points">A reading per tag set.</param>
public sealed record InstrumentReading(string Meter, string Name, string? Unit, string? Description, string Kind, IReadOnlyList<PointReading> Points);
