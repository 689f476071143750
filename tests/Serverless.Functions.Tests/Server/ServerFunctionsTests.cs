using System.Net;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Server;

public sealed class ServerFunctionsTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task GetServerMetadata_Always_ReturnsNameVersionAndExtensions()
    {
        using var response = await Client.GetAsync(new Uri("/v2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("serverless-model-platform", body.RootElement.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("version").GetString()));
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task GetLive_Always_ReturnsLiveTrue()
    {
        using var response = await Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"live\":true}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetReady_StorageAnswers_ReturnsReadyTrue()
    {
        using var response = await Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"ready\":true}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET", "/nothing/here")]
    [InlineData("POST", "/v2/unknown")]
    [InlineData("DELETE", "/")]
    public async Task UnknownRoute_AnyMethod_Returns404WithJsonError(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(path, body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
