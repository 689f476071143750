using Serverless.Core.Monitoring.Statistics;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class RunRulesTests
{
    // Centre 0, σ 1, limits ±3: the 2σ and 1σ lines are ±2 and ±1.
    private static readonly ControlLimits Unit = new(0, 1);

    [Fact]
    public void Evaluate_PointBeyondLimit_RuleOneAtThatPoint()
    {
        var violation = Assert.Single(RunRules.Evaluate(Unit, [0.5, -3.5, 0.2]));

        Assert.Equal((ControlRule.BeyondLimits, 1), (violation.Rule, violation.Index));
        Assert.Equal("window at -3.5 is below the lower control limit -3 (3σ)", violation.Description);
    }

    [Fact]
    public void Evaluate_PointOnTheLimit_NothingFires()
    {
        Assert.Empty(RunRules.Evaluate(Unit, [0.5, 3.0, -0.2]));
    }

    [Fact]
    public void Evaluate_TwoOfThreeBeyondTwoSigma_RuleTwo()
    {
        var violation = Assert.Single(RunRules.Evaluate(Unit, [2.5, 0.1, 2.2]));

        Assert.Equal((ControlRule.TwoOfThreeBeyondTwoSigma, 2), (violation.Rule, violation.Index));
        Assert.Equal("2 of 3 windows in a row above 2 (2σ from the centre line 0)", violation.Description);
    }

    [Theory]
    [InlineData(2.5, -2.2, 0.1)]
    [InlineData(2.5, 0.1, 0.1)]
    public void Evaluate_TwoSigmaPointsOnOppositeSidesOrApart_NoRuleTwo(double a, double b, double c)
    {
        Assert.Empty(RunRules.Evaluate(Unit, [a, b, c, 2.5]));
    }

    [Fact]
    public void Evaluate_FourOfFiveBeyondOneSigma_RuleThree()
    {
        var violation = Assert.Single(RunRules.Evaluate(Unit, [1.5, 1.2, 0.3, 1.1, 1.4]));

        Assert.Equal((ControlRule.FourOfFiveBeyondOneSigma, 4), (violation.Rule, violation.Index));
    }

    [Fact]
    public void Evaluate_ThreeOfFiveBeyondOneSigma_NoRuleThree()
    {
        Assert.Empty(RunRules.Evaluate(Unit, [1.5, 1.2, 0.3, -1.1, 1.4]));
    }

    [Fact]
    public void Evaluate_EightInARowAbove_RuleFourWithSentence()
    {
        var limits = new ControlLimits(0.31, 0.1);

        var violation = Assert.Single(RunRules.Evaluate(limits, [0.2, .. Enumerable.Repeat(0.35, 8)]));

        Assert.Equal((ControlRule.RunOnOneSide, 8), (violation.Rule, violation.Index));
        Assert.Equal("8 windows in a row above the centre line (0.31)", violation.Description);
    }

    [Fact]
    public void Evaluate_SevenInARow_NoRuleFour()
    {
        Assert.Empty(RunRules.Evaluate(new ControlLimits(0.31, 0.1), [0.2, .. Enumerable.Repeat(0.35, 7), 0.2]));
    }

    [Fact]
    public void Evaluate_RunBrokenByMissingWindow_NoRuleFour()
    {
        double[] points = [0.5, 0.5, 0.5, 0.5, double.NaN, 0.5, 0.5, 0.5, 0.5];

        Assert.Empty(RunRules.Evaluate(Unit, points));
    }

    [Fact]
    public void Evaluate_RunLengthFive_FiresAtFifthPointAndAfter()
    {
        var violations = RunRules.Evaluate(Unit, [-0.5, -0.5, -0.5, -0.5, -0.5, -0.5], runLength: 5);

        Assert.Equal([4, 5], violations.Select(v => v.Index));
        Assert.All(violations, v => Assert.Equal(ControlRule.RunOnOneSide, v.Rule));
        Assert.Equal("5 windows in a row below the centre line (0)", violations[0].Description);
    }

    [Fact]
    public void Evaluate_RunLengthOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RunRules.Evaluate(Unit, [1], runLength: 1));
    }
}
