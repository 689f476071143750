using System.Globalization;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;

namespace Serverless.Core.Training.Gates;

/// <summary>
/// Holds a candidate's evaluation to its spec's gates: minimum and maximum metric values, at most so much worse than
/// the production version on the same holdout (by default the task's primary metric may not get worse at all), and,
/// for binary tasks, fairness across each protected attribute (disparate impact at least 0.8 and equal-opportunity
/// difference at most 0.1 unless the spec says otherwise, also when it says nothing about fairness).
/// </summary>
public static class GateEvaluator
{
    private const double DefaultMinDisparateImpact = 0.8;
    private const double DefaultMaxEqualOpportunityDifference = 0.1;

    // Metrics are sums of floats: a candidate equal to the champion must not fail by rounding.
    private const double Slack = 1e-12;

    /// <summary>Every gate's verdict for <paramref name="candidate"/>, compared with <paramref name="champion"/> (the production version on the same holdout; null when there is none or it is not comparable).</summary>
    public static GateReport Evaluate(ModelSpec spec, EvaluationReport candidate, EvaluationReport? champion)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(candidate);
        string task = spec.Task ?? throw new ArgumentException("The spec names no task.", nameof(spec));
        var gates = spec.Gates ?? new GateSpec();
        var results = new List<GateResult>();

        foreach (var (metric, minimum) in gates.Minimum ?? new Dictionary<string, double>())
        {
            results.Add(candidate.Metrics.TryGetValue(metric, out double value)
                ? new GateResult($"minimum:{metric}", value, minimum, value >= minimum, value >= minimum
                    ? $"{metric} {F(value)} meets the minimum {F(minimum)}"
                    : $"{metric} {F(value)} is below the minimum {F(minimum)}")
                : Missing($"minimum:{metric}", metric, minimum));
        }

        foreach (var (metric, maximum) in gates.Maximum ?? new Dictionary<string, double>())
        {
            results.Add(candidate.Metrics.TryGetValue(metric, out double value)
                ? new GateResult($"maximum:{metric}", value, maximum, value <= maximum, value <= maximum
                    ? $"{metric} {F(value)} is within the maximum {F(maximum)}"
                    : $"{metric} {F(value)} is above the maximum {F(maximum)}")
                : Missing($"maximum:{metric}", metric, maximum));
        }

        if (champion is null)
        {
            results.Add(new GateResult("regression", null, null, true, "no production version to compare against"));
        }
        else
        {
            var tolerances = gates.MaxRegression ?? new Dictionary<string, double> { [MetricNames.Primary(task)] = 0 };
            foreach (var (metric, tolerance) in tolerances)
            {
                results.Add(Regression(metric, tolerance, candidate, champion));
            }
        }

        if (task == ModelTasks.Binary)
        {
            double minImpact = gates.Fairness?.MinDisparateImpact ?? DefaultMinDisparateImpact;
            double maxDifference = gates.Fairness?.MaxEqualOpportunityDifference ?? DefaultMaxEqualOpportunityDifference;
            foreach (var (attribute, fairness) in candidate.Fairness)
            {
                var groups = candidate.Groups.GetValueOrDefault(attribute);
                results.Add(DisparateImpact(attribute, fairness, groups, minImpact));
                results.Add(EqualOpportunity(attribute, fairness, groups, maxDifference));
            }
        }

        return new GateReport(results.TrueForAll(r => r.Passed), results);
    }

    private static GateResult Regression(string metric, double tolerance, EvaluationReport candidate, EvaluationReport champion)
    {
        string gate = $"regression:{metric}";
        if (!candidate.Metrics.TryGetValue(metric, out double value))
        {
            return new GateResult(gate, null, tolerance, false, $"{metric} is not in the candidate's evaluation, so it cannot be compared with the production version");
        }

        if (!champion.Metrics.TryGetValue(metric, out double production))
        {
            return new GateResult(gate, value, null, true, $"the production version has no {metric} on this holdout to compare against");
        }

        bool lowerIsBetter = MetricNames.LowerIsBetter(metric);
        double worse = lowerIsBetter ? value - production : production - value;
        double limit = lowerIsBetter ? production + tolerance : production - tolerance;
        bool passed = worse <= tolerance + Slack;
        string allowance = tolerance == 0 ? "may not be worse" : $"may be worse by at most {F(tolerance)}";
        string message = passed
            ? worse > 0
                ? $"{metric} {F(value)} is {F(worse)} worse than production's {F(production)}, within the allowed {F(tolerance)}"
                : $"{metric} {F(value)} is no worse than production's {F(production)}"
            : $"{metric} {F(value)} is {F(worse)} worse than production's {F(production)}; it {allowance}";
        return new GateResult(gate, value, limit, passed, message);
    }

    private static GateResult DisparateImpact(string attribute, FairnessMetrics fairness, IReadOnlyDictionary<string, GroupMetrics>? groups, double minimum)
    {
        string rates = $"{Name(fairness.LowestGroup)} {F(groups?.GetValueOrDefault(fairness.LowestGroup)?.PositiveRate)} vs {Name(fairness.HighestGroup)} {F(groups?.GetValueOrDefault(fairness.HighestGroup)?.PositiveRate)}";
        bool passed = fairness.DisparateImpact >= minimum - Slack;
        return new GateResult(
            $"fairness:{attribute}:disparateImpact",
            fairness.DisparateImpact,
            minimum,
            passed,
            $"disparate impact across '{attribute}' is {F(fairness.DisparateImpact)} (positive rates {rates}), {(passed ? "at least" : "below")} {F(minimum)}");
    }

    private static GateResult EqualOpportunity(string attribute, FairnessMetrics fairness, IReadOnlyDictionary<string, GroupMetrics>? groups, double maximum)
    {
        var rates = (groups ?? new Dictionary<string, GroupMetrics>())
            .Where(g => g.Value.TruePositiveRate is not null)
            .OrderBy(g => g.Value.TruePositiveRate)
            .ToList();
        string detail = rates.Count < 2
            ? "fewer than two groups have positive rows"
            : $"true-positive rates {Name(rates[0].Key)} {F(rates[0].Value.TruePositiveRate)} vs {Name(rates[^1].Key)} {F(rates[^1].Value.TruePositiveRate)}";
        bool passed = fairness.EqualOpportunityDifference <= maximum + Slack;
        return new GateResult(
            $"fairness:{attribute}:equalOpportunityDifference",
            fairness.EqualOpportunityDifference,
            maximum,
            passed,
            $"equal-opportunity difference across '{attribute}' is {F(fairness.EqualOpportunityDifference)} ({detail}), {(passed ? "at most" : "above")} {F(maximum)}");
    }

    private static GateResult Missing(string gate, string metric, double threshold) =>
        new(gate, null, threshold, false, $"{metric} is not in the candidate's evaluation (not a metric of this task, or undefined on the holdout), so its limit {F(threshold)} cannot be checked");

    private static string Name(string group) => group.Length == 0 ? "(missing)" : group;

    /// <summary>A value as a reviewer reads it: up to four decimals, small values in significant digits.</summary>
    private static string F(double? value) => value switch
    {
        null => "n/a",
        { } v when v != 0 && Math.Abs(v) < 0.001 => v.ToString("G3", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.####", CultureInfo.InvariantCulture),
    };
}
