using MathNet.Numerics;
using Serverless.Core.Training.Datasets;

namespace Serverless.Core.Monitoring.Statistics;

/// <summary>
/// Chi-square goodness of fit: do live category counts follow the baseline's shares? Categories expected fewer than
/// <see cref="MinimumExpected"/> times are merged into <see cref="BaselineStatistics.Other"/> (the approximation by
/// the chi-square distribution needs about five per category); if that merged bucket is itself still expected fewer
/// than five times, it is merged into the least expected remaining category.
/// </summary>
public static class ChiSquareGoodnessOfFit
{
    /// <summary>Categories expected fewer times than this are merged.</summary>
    public const double MinimumExpected = 5;

    /// <summary>
    /// The test of observed counts against expected counts (the expected summing to the observed total) per category.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length, a count is negative, or an expected count is negative or not finite.</exception>
    public static ChiSquareResult Test(IReadOnlyList<string> categories, IReadOnlyList<long> observed, IReadOnlyList<double> expected)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(expected);
        if (categories.Count != observed.Count || categories.Count != expected.Count)
        {
            throw new ArgumentException($"{categories.Count} categories, {observed.Count} observed and {expected.Count} expected counts; they must be one per category.", nameof(expected));
        }

        var cells = new List<ChiSquareCategory>(categories.Count);
        for (int i = 0; i < categories.Count; i++)
        {
            if (observed[i] < 0 || expected[i] < 0 || !double.IsFinite(expected[i]))
            {
                throw new ArgumentException($"Category '{categories[i]}': counts must be finite and not negative (observed {observed[i]}, expected {expected[i]}).", nameof(expected));
            }

            cells.Add(new ChiSquareCategory(categories[i], observed[i], expected[i]));
        }

        List<ChiSquareCategory> tested = Merge(cells);
        if (tested.Count < 2)
        {
            return new ChiSquareResult(0, 0, 1, tested.Select(c => c.Name).ToList(), null);
        }

        double statistic = 0;
        ChiSquareCategory? largest = null;
        double largestTerm = -1;
        foreach (var cell in tested)
        {
            double term = (cell.Observed - cell.Expected) * (cell.Observed - cell.Expected) / cell.Expected;
            statistic += term;
            if (term > largestTerm)
            {
                largestTerm = term;
                largest = cell;
            }
        }

        int dof = tested.Count - 1;
        double p = SpecialFunctions.GammaUpperRegularized(dof / 2.0, statistic / 2.0);
        return new ChiSquareResult(statistic, dof, p, tested.Select(c => c.Name).ToList(), largest);
    }

    /// <summary>
    /// The test of live categories (empty: missing) against a categorical baseline: expected counts are the live
    /// total times the baseline shares; categories the baseline does not name count as
    /// <see cref="BaselineStatistics.Other"/>, missing values as a category of their own.
    /// </summary>
    /// <exception cref="ArgumentException">The baseline is not categorical.</exception>
    public static ChiSquareResult Categorical(FeatureBaseline baseline, IReadOnlyList<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var buckets = FeatureBuckets.Categorical(baseline, live);
        long total = buckets.Sum(b => b.Observed);
        return Test(buckets.Select(b => b.Label).ToList(), buckets.Select(b => b.Observed).ToList(), buckets.Select(b => b.ExpectedShare * total).ToList());
    }

    private static List<ChiSquareCategory> Merge(List<ChiSquareCategory> cells)
    {
        var kept = cells.Where(c => c.Expected >= MinimumExpected && c.Name != BaselineStatistics.Other).ToList();
        var pooled = cells.Where(c => c.Expected < MinimumExpected || c.Name == BaselineStatistics.Other).ToList();
        if (pooled.Count == 0)
        {
            return kept;
        }

        var other = new ChiSquareCategory(BaselineStatistics.Other, pooled.Sum(c => c.Observed), pooled.Sum(c => c.Expected));
        if (other.Expected >= MinimumExpected || kept.Count == 0)
        {
            kept.Add(other);
            return kept;
        }

        int smallest = kept.IndexOf(kept.MinBy(c => c.Expected)!);
        kept[smallest] = kept[smallest] with { Observed = kept[smallest].Observed + other.Observed, Expected = kept[smallest].Expected + other.Expected };
        return kept;
    }
}
