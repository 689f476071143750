using System.Text;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Protocol;

namespace Serverless.Core.Tests.Serving.Protocol;

public sealed class JsonBodyTests
{
    private static string Quote(string json) => Encoding.UTF8.GetString(JsonBody.QuoteNonFinite(Encoding.UTF8.GetBytes(json)).Span);

    [Fact]
    public void QuoteNonFinite_BareWordsAsPythonWritesThem_BecomeTheProtocolsStrings() =>
        Assert.Equal("""{"data": ["NaN", "Infinity", "-Infinity", 1.5]}""", Quote("""{"data": [NaN, Infinity, -Infinity, 1.5]}"""));

    [Fact]
    public void QuoteNonFinite_WordsInsideStrings_AreLeftAlone()
    {
        const string json = """{"id": "NaN or Infinity \"NaN\" \\", "name": "-Infinity", "data": [NaN]}""";

        Assert.Equal("""{"id": "NaN or Infinity \"NaN\" \\", "name": "-Infinity", "data": ["NaN"]}""", Quote(json));
    }

    [Fact]
    public void QuoteNonFinite_NoSuchWords_ReturnsTheBodyItself()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"data": [1, 2, "NaN"], "flag": true, "none": null}""");

        var quoted = JsonBody.QuoteNonFinite(body);

        Assert.True(quoted.Span == body.AsSpan());
    }

    [Fact]
    public void Parse_BareNaN_ReadsItAsTheString()
    {
        using var document = JsonBody.Parse(Encoding.UTF8.GetBytes("""{"data": [NaN, -Infinity]}"""));

        Assert.Equal(["NaN", "-Infinity"], document.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"data\": [Nope]}", "not valid JSON")]
    [InlineData("{\"data\": [NaNa]}", "not valid JSON")]
    public void Parse_NotAJsonObject_IsTheCallersError(string json, string expected)
    {
        var refused = Assert.Throws<InvalidInferenceRequestException>(() => JsonBody.Parse(Encoding.UTF8.GetBytes(json)).Dispose());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
