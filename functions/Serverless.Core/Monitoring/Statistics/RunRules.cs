namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// Run rules over a control chart's series (a subset of the Western Electric / Nelson rules). Each rule fires at
/// every point that completes its pattern and is itself part of it, so a long run fires at each point from the
/// one that completes it on. Lines at 2 and 1 sigma are fixed whatever the limits' k. A NaN point (a window without
/// data) is beyond no line and on neither side, so it breaks runs.
/// </summary>
public static class RunRules
{
    /// <summary>The usual length of a run on one side of the centre line.</summary>
    public const int DefaultRunLength = 8;

    /// <summary>Every rule that fires, in point order (and rule order within a point).</summary>
    /// <param name="limits">The chart's centre line and limits.</param>
    /// <param name="points">The series, oldest first.</param>
    /// <param name="runLength">How many points in a row on one side make rule 4 fire: 2 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">runLength is less than 2.</exception>
    public static IReadOnlyList<RuleViolation> Evaluate(ControlLimits limits, IReadOnlyList<double> points, int runLength = DefaultRunLength)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(runLength, 2);
        var violations = new List<RuleViolation>();
        for (int i = 0; i < points.Count; i++)
        {
            double x = points[i];
            int side = Side(limits, x);
            if (side == 0)
            {
                continue;
            }

            string where = side > 0 ? "above" : "below";
            if (Beyond(limits, x, side, limits.K))
            {
                string limit = side > 0 ? "upper" : "lower";
                violations.Add(new RuleViolation(ControlRule.BeyondLimits, i,
                    $"window at {EvidenceText.Number(x)} is {where} the {limit} control limit {EvidenceText.Number(limits.At(side * limits.K))} ({EvidenceText.Number(limits.K)}σ)"));
            }

            if (CountBeyond(limits, points, i, 3, side, 2) >= 2)
            {
                violations.Add(new RuleViolation(ControlRule.TwoOfThreeBeyondTwoSigma, i,
                    $"2 of 3 windows in a row {where} {EvidenceText.Number(limits.At(side * 2))} (2σ from the centre line {EvidenceText.Number(limits.CentreLine)})"));
            }

            if (CountBeyond(limits, points, i, 5, side, 1) >= 4)
            {
                violations.Add(new RuleViolation(ControlRule.FourOfFiveBeyondOneSigma, i,
                    $"4 of 5 windows in a row {where} {EvidenceText.Number(limits.At(side))} (1σ from the centre line {EvidenceText.Number(limits.CentreLine)})"));
            }

            if (i + 1 >= runLength && Enumerable.Range(i + 1 - runLength, runLength).All(j => Side(limits, points[j]) == side))
            {
                violations.Add(new RuleViolation(ControlRule.RunOnOneSide, i,
                    $"{runLength} windows in a row {where} the centre line ({EvidenceText.Number(limits.CentreLine)})"));
            }
        }

        return violations;
    }

    private static int Side(ControlLimits limits, double x) => x > limits.CentreLine ? 1 : x < limits.CentreLine ? -1 : 0;

    private static bool Beyond(ControlLimits limits, double x, int side, double sigmas) =>
        side > 0 ? x > limits.At(sigmas) : x < limits.At(-sigmas);

    /// <summary>Points beyond the line, on the given side, in the window of up to <paramref name="window"/> points ending at <paramref name="last"/>; 0 unless the last one is.</summary>
    private static int CountBeyond(ControlLimits limits, IReadOnlyList<double> points, int last, int window, int side, double sigmas)
    {
        if (!Beyond(limits, points[last], side, sigmas))
        {
            return 0;
        }

        int count = 0;
        for (int j = Math.Max(0, last + 1 - window); j <= last; j++)
        {
            if (Beyond(limits, points[j], side, sigmas))
            {
                count++;
            }
        }

        return count;
    }
}
