using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;
using Serverless.Functions.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Identity;

/// <summary>
/// Roles over the local runtime, generated from the app's table of endpoint → roles (<see cref="FunctionAccessCatalog"/>):
/// only the authorization outcome is checked, so request bodies and names are dummies.
/// </summary>
public sealed partial class AuthorizationTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private const string DummyModel = "authz-dummy-model";

    [Fact]
    public async Task EveryEndpoint_EachRole_AllowedExactlyWhereDeclaredElse403NamingTheRole()
    {
        var wrong = new List<string>();
        foreach (var access in FunctionAccessCatalog.All.Where(a => !a.IsPublic))
        {
            foreach (string role in PlatformRoles.All)
            {
                using var client = fixture.Runtime.CreateClient(TestTokens.For("role-" + role, [role]));
                var (status, error) = await SendAsync(client, access);
                bool allowed = access.Roles.Contains(role);
                if (allowed && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !IsBusinessRefusal(error))
                {
                    wrong.Add($"{access.Name} as {role}: {(int)status} {error} (should be allowed)");
                }
                else if (!allowed && (status != HttpStatusCode.Forbidden || !access.Roles.Any(r => error.Contains($"'{r}'", StringComparison.Ordinal))))
                {
                    wrong.Add($"{access.Name} as {role}: {(int)status} {error} (should be 403 naming {string.Join("/", access.Roles)})");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public async Task EveryEndpoint_NeitherTokenNorKey_401SayingWhatToSendUnlessPublic()
    {
        using var client = fixture.Runtime.CreateClient(token: null);
        var wrong = new List<string>();
        foreach (var access in FunctionAccessCatalog.All.Where(a => a.Name != "NotFound"))
        {
            var (status, error) = await SendAsync(client, access);
            if (access.IsPublic == (status == HttpStatusCode.Unauthorized))
            {
                wrong.Add($"{access.Name}: {(int)status} {error} (should be {(access.IsPublic ? "admitted" : "401")})");
            }
            else if (!access.IsPublic && (!error.Contains("bearer token", StringComparison.Ordinal) || access.AllowsFunctionKey != error.Contains("x-functions-key", StringComparison.Ordinal)))
            {
                wrong.Add($"{access.Name}: {error} (should name the bearer token{(access.AllowsFunctionKey ? " and the function key" : string.Empty)})");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public async Task EveryEndpoint_ValidFunctionKeyAlone_AdmittedOnlyWhereKeysAreAccepted()
    {
        using var client = fixture.Runtime.CreateClient(token: null);
        client.DefaultRequestHeaders.Add("x-functions-key", TestTokens.FunctionKey);
        var wrong = new List<string>();
        foreach (var access in FunctionAccessCatalog.All.Where(a => a.Name != "NotFound"))
        {
            var (status, error) = await SendAsync(client, access);
            bool open = access.IsPublic || access.AllowsFunctionKey;
            if (open == (status == HttpStatusCode.Unauthorized))
            {
                wrong.Add($"{access.Name}: {(int)status} {error} (should be {(open ? "admitted" : "401")})");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "expired", "expired" },
        { "wrong-audience", "audience" },
        { "wrong-issuer", "issuer" },
        { "alg-none", "unsigned" },
        { "tampered", "signature" },
        { "other-key", "signature" },
        { "garbage", "well-formed" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Request_BadToken_Answers401WithTheReason(string kind, string reason)
    {
        using var client = fixture.Runtime.CreateClient(BadToken(kind));

        using var response = await client.GetAsync(new Uri("/models", UriKind.Relative));
        string error = await ErrorAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Request_NotABearerScheme_Answers401()
    {
        using var client = fixture.Runtime.CreateClient(token: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")));

        using var response = await client.GetAsync(new Uri("/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_ConsumerTokenWithoutKey_Answers200()
    {
        string model = await RegisterIdentityModelAsync();
        using var client = fixture.Runtime.CreateClient(TestTokens.For("app-with-token", [PlatformRoles.Consumer]));

        using var response = await InferAsync(client, $"/v2/models/{model}/infer");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Infer_ValidFunctionKeyWithoutToken_Answers200(string where)
    {
        string model = await RegisterIdentityModelAsync();
        using var client = fixture.Runtime.CreateClient(token: null);
        string path = $"/v2/models/{model}/infer";
        if (where == "header")
        {
            client.DefaultRequestHeaders.Add("x-functions-key", TestTokens.FunctionKey);
        }
        else
        {
            path += "?code=" + Uri.EscapeDataString(TestTokens.FunctionKey);
        }

        using var response = await InferAsync(client, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Predict_WrongFunctionKeyWithoutToken_Answers401(string where)
    {
        const string Wrong = "not-the-key-0123456789";
        using var client = fixture.Runtime.CreateClient(token: null);
        string path = $"/models/{DummyModel}/predict";
        if (where == "header")
        {
            client.DefaultRequestHeaders.Add("x-functions-key", Wrong);
        }
        else
        {
            path += "?code=" + Wrong;
        }

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent("""{"rows": [{"x": 1}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("function key presented is not valid", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_InvalidTokenDespiteAValidFunctionKey_Answers401()
    {
        using var client = fixture.Runtime.CreateClient(BadToken("expired"));
        client.DefaultRequestHeaders.Add("x-functions-key", TestTokens.FunctionKey);

        using var response = await client.PostAsync(
            new Uri($"/models/{DummyModel}/predict", UriKind.Relative), new StringContent("""{"records": [{"x": 1}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Registry_ValidFunctionKeyWithoutToken_Answers401SayingKeysAreNotAccepted()
    {
        using var client = fixture.Runtime.CreateClient(token: null);
        client.DefaultRequestHeaders.Add("x-functions-key", TestTokens.FunctionKey);

        using var response = await client.GetAsync(new Uri("/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("does not accept a function key", await ErrorAsync(response), StringComparison.Ordinal);
    }

    private async Task<string> RegisterIdentityModelAsync() =>
        await fixture.Runtime.Client.RegisterNewAsync("authz-key", OnnxModelBuilder.Identity(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1, 1));

    private static Task<HttpResponseMessage> InferAsync(HttpClient client, string path) =>
        client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(
            """{"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [0.5]}]}""", Encoding.UTF8, "application/json"));

    private static string BadToken(string kind)
    {
        string valid = TestTokens.For("mallory", [PlatformRoles.Operator]);
        return kind switch
        {
            "expired" => TestTokens.For("mallory", lifetime: TimeSpan.FromMinutes(5), now: DateTimeOffset.UtcNow.AddHours(-1)),
            "wrong-audience" => DevelopmentTokens.Mint(TestTokens.SigningKey, TestTokens.Issuer, "api://someone-else", "mallory", "mallory", PlatformRoles.All, TimeSpan.FromHours(1)),
            "wrong-issuer" => DevelopmentTokens.Mint(TestTokens.SigningKey, "https://evil.example", TestTokens.Audience, "mallory", "mallory", PlatformRoles.All, TimeSpan.FromHours(1)),
            "other-key" => DevelopmentTokens.Mint(DevelopmentTokens.NewSigningKey(), TestTokens.Issuer, TestTokens.Audience, "mallory", "mallory", PlatformRoles.All, TimeSpan.FromHours(1)),
            "alg-none" => Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + valid.Split('.')[1] + ".",
            "tampered" => Tamper(valid),
            _ => "not-a-token",
        };
    }

    // The payload re-encoded with every role: the signature no longer matches it.
    private static string Tamper(string token)
    {
        string[] parts = token.Split('.');
        string payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))));
        string forged = payload.Replace($"\"{PlatformRoles.Operator}\"", string.Join(",", PlatformRoles.All.Select(r => $"\"{r}\"")), StringComparison.Ordinal);
        return parts[0] + "." + Base64Url(forged) + "." + parts[2];
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // A refusal by the endpoint itself (segregation of duties), not by the role check.
    private static bool IsBusinessRefusal(string error) => error.Contains("started retraining", StringComparison.Ordinal);

    private static async Task<(HttpStatusCode Status, string Error)> SendAsync(HttpClient client, FunctionAccess access)
    {
        string path = "/" + RouteParameter().Replace(access.Route, m => m.Groups[1].Value switch
        {
            "name" => DummyModel,
            "version" => "1",
            "alias" => "staging",
            "decision" => "approve",
            _ => "dummy",
        });
        using var request = new HttpRequestMessage(new HttpMethod(access.Methods[0]), new Uri(path, UriKind.Relative));
        if (access.Methods[0] is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ErrorAsync(response));
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? string.Empty : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    [GeneratedRegex(@"\{\*?([a-zA-Z]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
