using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Registry;

/// <summary>
/// The registry's data goes through the <c>AppStorage</c> connection, apart from the host's: here AppStorage's key is
/// wrong (as an identity without its role would be), the host's is right, and the registry answers 503 with a body
/// that says what to fix, never an empty 500.
/// </summary>
public sealed partial class AppStorageAccessTests(AppStorageAccessTests.WrongAppKeyFixture fixture) : IClassFixture<AppStorageAccessTests.WrongAppKeyFixture>
{
    [Theory]
    [InlineData("GET", "/models")]
    [InlineData("GET", "/models/refused")]
    [InlineData("GET", "/models/refused/versions/1")]
    [InlineData("POST", "/models/refused/versions")]
    public async Task RegistryCall_AppStorageRefusesAccess_503SayingToCheckTheRoles(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(OnnxModelBuilder.Add(1));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        }

        using var response = await fixture.Runtime.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains("refused access", error, StringComparison.Ordinal);
        Assert.Contains("AppStorage", error, StringComparison.Ordinal);
    }

    public sealed partial class WrongAppKeyFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>
        {
            ["AppStorage"] = AccountKey().Replace(ConnectionString, "AccountKey=" + Convert.ToBase64String(new byte[64])),
        };

        [GeneratedRegex("AccountKey=[^;]+")]
        private static partial Regex AccountKey();
    }
}
