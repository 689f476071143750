using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Http;

public sealed class FunctionKeyTests(FunctionKeyTests.KeysFixture fixture) : IClassFixture<FunctionKeyTests.KeysFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Theory]
    [InlineData("/selfchecks", HttpStatusCode.Unauthorized)]
    [InlineData("/selfchecks?code=wrong", HttpStatusCode.Unauthorized)]
    [InlineData("/selfchecks?code=function-key", HttpStatusCode.Accepted)]
    [InlineData("/selfchecks?code=master-key", HttpStatusCode.Accepted)]
    public async Task FunctionLevel_KeysConfigured_RequiresFunctionOrMasterKey(string path, HttpStatusCode expected)
    {
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), null);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("requires a key", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FunctionLevel_KeyInHeader_Accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/selfchecks", UriKind.Relative));
        request.Headers.Add("x-functions-key", "function-key");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_KeysConfigured_ServedWithoutKey()
    {
        using var response = await Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData("?code=function-key", HttpStatusCode.Unauthorized)]
    [InlineData("?code=master-key", HttpStatusCode.Accepted)]
    public async Task AdminEndpoint_KeysConfigured_RequiresMasterKey(string query, HttpStatusCode expected)
    {
        using var response = await Client.PostAsync(new Uri("/admin/functions/ScheduleSelfCheck" + query, UriKind.Relative), null);

        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class KeysFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } = new Dictionary<string, string>
        {
            ["LocalRuntime__FunctionKey"] = "function-key",
            ["LocalRuntime__MasterKey"] = "master-key",
        };
    }
}
