namespace Serverless.Core.Monitoring.Statistics;

/// <summary>One bucket of a feature: its baseline share and how many live values fell in it.</summary>
internal readonly record struct Bucket(string Label, double ExpectedShare, long Observed);
