using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Registry;

public sealed class ModelRegistryFunctionsTests(ModelRegistryFunctionsTests.SmallLimitFixture fixture) : IClassFixture<ModelRegistryFunctionsTests.SmallLimitFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    private static string NewName() => "fn-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<HttpResponseMessage> UploadAsync(string name, byte[] model, string query = "")
    {
        using var content = new ByteArrayContent(model);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await Client.PostAsync(new Uri($"/models/{name}/versions{query}", UriKind.Relative), content);
    }

    [Fact]
    public async Task RegisterVersion_OnnxBody_201WithNameVersionSha256AndLocation()
    {
        string name = NewName();

        using var response = await UploadAsync(name, OnnxModelBuilder.Add(1, 3), "?description=adder&registeredBy=ci&metrics=%7B%22auc%22%3A0.9%7D");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/models/{name}/versions/1", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal(64, body.GetProperty("sha256").GetString()!.Length);
        // Who registered comes from the token, never from the query the caller writes.
        Assert.Equal(TestTokens.AdminSubject, body.GetProperty("metadata").GetProperty("registeredBy").GetString());
        Assert.Equal(0.9, body.GetProperty("metadata").GetProperty("metrics").GetProperty("auc").GetDouble());

        using var version = await Client.GetAsync(new Uri($"/models/{name}/versions/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Equal("adder", (await version.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("metadata").GetProperty("description").GetString());
    }

    [Fact]
    public async Task RegisterVersion_NotOnnx_400AndNothingRegistered()
    {
        string name = NewName();

        using var response = await UploadAsync(name, "this is not a model"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ONNX", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        using var model = await Client.GetAsync(new Uri($"/models/{name}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
    }

    [Fact]
    public async Task RegisterVersion_OverTheSizeLimit_413()
    {
        using var response = await UploadAsync(NewName(), new byte[SmallLimitFixture.MaxModelBytes + 1]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Registry__MaxModelBytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?metrics=notjson")]
    [InlineData("?metrics=%5B1%5D")]
    public async Task RegisterVersion_BadMetrics_400(string query)
    {
        using var response = await UploadAsync(NewName(), OnnxModelBuilder.Add(1), query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RegisterVersion_InvalidName_400()
    {
        using var response = await UploadAsync("-bad", OnnxModelBuilder.Add(1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SetAlias_ThenGetModel_ShowsAliasAndHistory()
    {
        string name = NewName();
        (await UploadAsync(name, OnnxModelBuilder.Add(1))).Dispose();
        (await UploadAsync(name, OnnxModelBuilder.Add(2))).Dispose();

        using var set = await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version = 2 });

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var model = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/models/{name}", UriKind.Relative));
        Assert.Equal(2, model.GetProperty("latestVersion").GetInt32());
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal(2, model.GetProperty("versions").GetArrayLength());
        Assert.Equal(1, model.GetProperty("aliasHistory").GetArrayLength());
        var list = await Client.GetFromJsonAsync<JsonElement>(new Uri("/models", UriKind.Relative));
        Assert.Contains(list.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == name);
    }

    [Theory]
    [InlineData("{\"version\": 9}", HttpStatusCode.NotFound)]
    [InlineData("{\"version\": \"1\"}", HttpStatusCode.BadRequest)]
    [InlineData("{oops", HttpStatusCode.BadRequest)]
    public async Task SetAlias_BadRequest_4xx(string body, HttpStatusCode expected)
    {
        string name = NewName();
        (await UploadAsync(name, OnnxModelBuilder.Add(1))).Dispose();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PutAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), content);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task GetModel_Unknown_404WithError()
    {
        using var response = await Client.GetAsync(new Uri($"/models/{NewName()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No model", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<byte[], string> ExternalDataModels => new()
    {
        { OnnxTensorModelBuilder.AddWeights(4, "local.settings.json"), "'w'" },
        { OnnxTensorModelBuilder.ConstantFromExternal("host.json"), "'c_value'" },
        { OnnxTensorModelBuilder.IfWithExternalSubgraph("host.json"), "'secret'" },
    };

    [Theory]
    [MemberData(nameof(ExternalDataModels))]
    public async Task RegisterVersion_ExternalData_400NamingTheTensorAndNothingRegistered(byte[] model, string tensor)
    {
        string name = NewName();

        using var response = await UploadAsync(name, model);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains(tensor, error, StringComparison.Ordinal);
        Assert.Contains("external data", error, StringComparison.Ordinal);
        using var read = await Client.GetAsync(new Uri($"/models/{name}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task RegisterVersion_ByReference_201AndServedLikeAnUpload()
    {
        byte[] model = OnnxModelBuilder.Unique(OnnxModelBuilder.Add(1, 3));
        string reference = await UploadReferenceAsync(model);
        string name = NewName();

        using var response = await Client.PostAsJsonAsync(
            new Uri($"/models/{name}/versions", UriKind.Relative),
            new { blob = reference, description = "by reference", metrics = new { auc = 0.8 } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model)), body.GetProperty("sha256").GetString());
        Assert.Equal("by reference", body.GetProperty("metadata").GetProperty("description").GetString());
        Assert.Equal(0.8, body.GetProperty("metadata").GetProperty("metrics").GetProperty("auc").GetDouble());
        using var version = await Client.GetAsync(new Uri($"/models/{name}/versions/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Theory]
    [InlineData("{\"blob\": \"model-uploads/missing/model.onnx\"}", "missing/model.onnx")]
    [InlineData("{\"blob\": \"models/sha256/x.onnx\"}", "Registry__ReferenceContainers")]
    [InlineData("{\"blob\": \"nocontainer\"}", "container/path")]
    [InlineData("{\"description\": \"no blob\"}", "\"blob\"")]
    [InlineData("{oops", "not a registration by reference")]
    public async Task RegisterVersion_BadReference_400NamingTheProblem(string json, string expected)
    {
        string name = NewName();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync(new Uri($"/models/{name}/versions", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterVersion_ReferenceOverTheSizeLimit_413()
    {
        string reference = await UploadReferenceAsync(new byte[SmallLimitFixture.MaxModelBytes + 1]);
        using var content = new StringContent($"{{\"blob\": \"{reference}\"}}", System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync(new Uri($"/models/{NewName()}/versions", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Registry__MaxModelBytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/models/a%2Fb")]
    [InlineData("/models/a%23b/versions/1")]
    [InlineData("/models/ok/versions/0")]
    public async Task ReadPaths_InvalidNameOrVersion_400(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAlias_InvalidAlias_400()
    {
        string name = NewName();
        (await UploadAsync(name, OnnxModelBuilder.Add(1))).Dispose();

        using var response = await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/a%2Fb", UriKind.Relative), new { version = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid alias", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> UploadReferenceAsync(byte[] content)
    {
        var container = new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("model-uploads");
        await container.CreateIfNotExistsAsync();
        string path = $"functions-tests/{Guid.NewGuid():N}/model.onnx";
        await container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content));
        return $"model-uploads/{path}";
    }

    public sealed class SmallLimitFixture : LocalRuntimeFixture
    {
        public const int MaxModelBytes = 64 * 1024;

        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } =
            new Dictionary<string, string> { ["Registry__MaxModelBytes"] = MaxModelBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }
}
