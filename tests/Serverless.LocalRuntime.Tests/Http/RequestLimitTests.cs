using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Http;

public sealed class RequestLimitTests(RequestLimitTests.SmallLimitFixture fixture) : IClassFixture<RequestLimitTests.SmallLimitFixture>
{
    [Fact]
    public async Task Body_DeclaredLengthOverTheHostLimit_413WithJsonNamingTheSetting()
    {
        using var content = new ByteArrayContent(new byte[5000]);

        using var response = await fixture.Runtime.Client.PostAsync(new Uri("/models/limit/versions", UriKind.Relative), content);

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task Body_ChunkedOverTheHostLimit_413WithJsonNotAReset()
    {
        using var content = new StreamContent(new MemoryStream(new byte[5000]));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/models/limit/versions", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await fixture.Runtime.Client.SendAsync(request);

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task Body_UnderTheHostLimit_ReachesTheFunction()
    {
        using var response = await fixture.Runtime.Client.PostAsync(new Uri("/selfchecks", UriKind.Relative), JsonContent.Create(new { pauseSeconds = 0 }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", error, StringComparison.Ordinal);
    }

    public sealed class SmallLimitFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } =
            new Dictionary<string, string> { ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "1000" };
    }
}
