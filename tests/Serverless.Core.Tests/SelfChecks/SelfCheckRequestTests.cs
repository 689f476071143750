using Serverless.Core.SelfChecks;

namespace Serverless.Core.Tests.SelfChecks;

public sealed class SelfCheckRequestTests
{
    [Fact]
    public void Parse_ValidJson_RoundTrips()
    {
        var request = SelfCheckRequest.Create("timer");

        var parsed = SelfCheckRequest.Parse(request.ToJson());

        Assert.Equal(request, parsed);
        Assert.Equal(32, parsed.CheckId.Length);
    }

    [Theory]
    [InlineData("not json", "must be JSON")]
    [InlineData("[]", "must be JSON")]
    [InlineData("{}", "non-empty 'checkId' and 'source'")]
    [InlineData("{\"checkId\":\"a\"}", "non-empty 'checkId' and 'source'")]
    [InlineData("{\"checkId\":\"a/b\",\"source\":\"x\"}", "without '/'")]
    [InlineData("{\"checkId\":\"a#b\",\"source\":\"x\"}", "without '/'")]
    public void Parse_InvalidText_ThrowsFormatExceptionSayingWhatIsWrong(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => SelfCheckRequest.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverlongId_Throws()
    {
        string json = new SelfCheckRequest(new string('a', 129), "x").ToJson();

        Assert.Throws<FormatException>(() => SelfCheckRequest.Parse(json));
    }
}
