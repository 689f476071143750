using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Http;

public sealed class FunctionKeyTests(FunctionKeyTests.KeysFixture fixture) : IClassFixture<FunctionKeyTests.KeysFixture>
{
    private const string FunctionKey = "function-key-0123456789";
    private const string MasterKey = "master-key-0123456789";

    private HttpClient Client => fixture.Runtime.Client;

    [Theory]
    [InlineData("header", FunctionKey)]
    [InlineData("query", FunctionKey)]
    [InlineData("header", "wrong-key-0123456789")]
    public async Task AnonymousEndpoint_AnyKey_ServedAndTheKeyReachesTheApp(string where, string key)
    {
        // As the Functions host: an anonymous function is served whatever key is sent, and the request reaches the
        // worker with its x-functions-key header and code query (the host sends an ASP.NET Core integrated worker no
        // identity), so the app decides; its answer, not the host's "requires a key", says whether it took the key.
        using var client = fixture.Runtime.CreateClient(token: null);
        string path = "/models/keys-no-such-model/predict";
        if (where == "header")
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }
        else
        {
            path += "?code=" + key;
        }

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent("""{"rows": [{"x": 1}]}""", Encoding.UTF8, "application/json"));
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;

        Assert.DoesNotContain("requires a key", error, StringComparison.Ordinal);
        if (key == FunctionKey)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("keys-no-such-model", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("function key presented is not valid", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Anonymous_KeysConfigured_ServedWithoutKey()
    {
        using var response = await Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData("?code=" + FunctionKey, HttpStatusCode.Unauthorized)]
    [InlineData("?code=" + MasterKey, HttpStatusCode.Accepted)]
    public async Task AdminEndpoint_KeysConfigured_RequiresMasterKey(string query, HttpStatusCode expected)
    {
        using var response = await Client.PostAsync(new Uri("/admin/functions/ScheduleSelfCheck" + query, UriKind.Relative), null);

        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class KeysFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } = new Dictionary<string, string>
        {
            ["LocalRuntime__FunctionKey"] = FunctionKey,
            ["LocalRuntime__MasterKey"] = MasterKey,

            // The app accepts the key the host hands out, as infra sets Auth__FunctionKeys to it.
            ["Auth__FunctionKeys"] = FunctionKey,
        };
    }
}
