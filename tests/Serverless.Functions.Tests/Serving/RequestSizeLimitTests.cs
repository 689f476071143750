using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

public sealed class RequestSizeLimitTests(RequestSizeLimitTests.SmallLimitFixture fixture) : IClassFixture<RequestSizeLimitTests.SmallLimitFixture>
{
    public sealed class SmallLimitFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string> SettingOverrides => new Dictionary<string, string> { ["Serving__MaxRequestBytes"] = "2048" };
    }

    private static string Body(int values) =>
        $$"""{"inputs": [{"name": "x", "shape": [{{values}}], "datatype": "FP32", "data": [{{string.Join(", ", Enumerable.Repeat("1.5", values))}}]}]}""";

    [Theory]
    [InlineData("/v2/models/{name}/infer", true)]
    [InlineData("/v2/models/{name}/infer", false)]
    [InlineData("/models/{name}/predict", true)]
    public async Task Post_BodyOverTheLimit_413NamingTheSetting(string path, bool withContentLength)
    {
        string name = await fixture.Runtime.Client.RegisterNewAsync("limit", OnnxModelBuilder.Identity(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1));
        byte[] body = Encoding.UTF8.GetBytes(Body(1000));
        HttpContent content = withContentLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.Replace("{name}", name, StringComparison.Ordinal), UriKind.Relative)) { Content = content };
        if (!withContentLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await fixture.Runtime.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Serving__MaxRequestBytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyWithinTheLimit_Served()
    {
        string name = await fixture.Runtime.Client.RegisterNewAsync("limit-ok", OnnxModelBuilder.Identity(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1));

        using var response = await fixture.Runtime.Client.PostAsync(
            new Uri($"/v2/models/{name}/infer", UriKind.Relative),
            new StringContent(Body(100), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
