namespace Serverless.Core.Monitoring.Statistics;

/// <summary>A run rule that fired.</summary>
/// <param name="Rule">Which rule.</param>
/// <param name="Index">The point (0-based) at which it fired: the last point of the pattern, itself part of it.</param>
/// <param name="Description">What happened, in a sentence, e.g. "8 windows in a row above the centre line (0.31)".</param>
public sealed record RuleViolation(ControlRule Rule, int Index, string Description);
