using Serverless.Core.Monitoring.Statistics;

namespace Serverless.Core.Tests.Monitoring.Statistics;

public sealed class ControlLimitsTests
{
    [Fact]
    public void FromMean_DefaultK_ThreeSigmaLimits()
    {
        // 10 ± 3·2.
        var limits = ControlLimits.FromMean(10, 2);

        Assert.Equal(16, limits.Upper, 12);
        Assert.Equal(4, limits.Lower, 12);
        Assert.Equal(3, limits.K);
    }

    [Fact]
    public void FromMean_MeanOfFourValues_SigmaHalved()
    {
        // σ of a mean of 4 values: 2/√4 = 1; at k = 2: 10 ± 2.
        var limits = ControlLimits.FromMean(10, 2, k: 2, valuesPerPoint: 4);

        Assert.Equal(1, limits.Sigma, 12);
        Assert.Equal(12, limits.Upper, 12);
    }

    [Fact]
    public void FromProportion_PChart_SigmaFromBinomial()
    {
        // √(0.2·0.8/100) = 0.04; 0.2 ± 3·0.04.
        var limits = ControlLimits.FromProportion(0.2, 100);

        Assert.Equal(0.04, limits.Sigma, 12);
        Assert.Equal(0.32, limits.Upper, 12);
        Assert.Equal(0.08, limits.Lower, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(6.5)]
    [InlineData(double.NaN)]
    public void Constructor_KOutsideOneToSix_Throws(double k)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLimits(0, 1, k));
        Assert.Equal("k", error.ParamName);
    }

    [Fact]
    public void Constructor_SixSigma_Allowed()
    {
        Assert.Equal(6, new ControlLimits(0, 1, 6).Upper);
    }

    [Fact]
    public void FromProportion_OutsideZeroToOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ControlLimits.FromProportion(1.2, 10));
    }

    [Fact]
    public void Constructor_NegativeSigma_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLimits(0, -1));
    }
}
