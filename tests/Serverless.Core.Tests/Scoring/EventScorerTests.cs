using Serverless.Core.Scoring;

namespace Serverless.Core.Tests.Scoring;

public sealed class EventScorerTests
{
    [Fact]
    public void Parse_ValidRequest_ReadsEveryField()
    {
        var request = EventScorer.Parse("""{"model": "m", "alias": "production", "rows": [{"x": 1}], "correlationId": "c-1", "replyQueue": "my-results"}""");

        Assert.Equal(("m", "production", "c-1", "my-results"), (request.Model, request.Alias, request.CorrelationId, request.ReplyQueue));
        Assert.Equal(1, request.Rows.GetArrayLength());
    }

    [Theory]
    [InlineData("nope", "must be JSON")]
    [InlineData("""{"rows": [{"x": 1}]}""", "\"model\"")]
    [InlineData("""{"model": "m", "rows": []}""", "\"rows\"")]
    [InlineData("""{"model": "m"}""", "\"rows\"")]
    [InlineData("""{"model": "m", "rows": [{"x": 1}], "colour": "red"}""", "must be JSON")]
    [InlineData("""{"model": "m", "rows": [{"x": 1}], "replyQueue": "Bad Queue"}""", "not a queue name")]
    public void Parse_InvalidRequest_ThrowsSayingWhy(string message, string reason)
    {
        var ex = Assert.Throws<InvalidScoreRequestException>(() => EventScorer.Parse(message));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
