namespace Serverless.Core.Monitoring.Statistics;

/// <summary>The run rules <see cref="RunRules"/> checks (the Western Electric rules, numbered as there).</summary>
public enum ControlRule
{
    /// <summary>One point beyond the control limits (k sigma).</summary>
    BeyondLimits = 1,

    /// <summary>Two of three consecutive points beyond 2 sigma, on the same side.</summary>
    TwoOfThreeBeyondTwoSigma = 2,

    /// <summary>Four of five consecutive points beyond 1 sigma, on the same side.</summary>
    FourOfFiveBeyondOneSigma = 3,

    /// <summary>A run of points (eight by default) on the same side of the centre line.</summary>
    RunOnOneSide = 4,
}
