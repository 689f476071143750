using Serverless.Core.Batch;

namespace Serverless.Core.Tests.Batch;

public sealed class PredictionIdsTests
{
    [Fact]
    public void Next_ManyIds_DistinctVersion7WithTheTimeInFront()
    {
        var now = new DateTimeOffset(2026, 11, 27, 19, 0, 0, TimeSpan.Zero);
        var ids = new PredictionIds(1000, now);

        var made = Enumerable.Range(0, 1000).Select(_ => ids.Next()).ToList();

        Assert.Equal(1000, made.Distinct().Count());
        Assert.All(made, id => Assert.Equal(7, id.Version));
        Assert.All(made, id => Assert.Equal(0x8, id.Variant & 0xC));
        Assert.All(made, id => Assert.StartsWith(now.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture)[..8], id.ToString("N"), StringComparison.Ordinal));
    }
}
