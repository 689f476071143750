using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

public sealed class ServingHardeningTests(ServingHardeningTests.ShortAliasIntervalFixture fixture) : IClassFixture<ServingHardeningTests.ShortAliasIntervalFixture>
{
    public sealed class ShortAliasIntervalFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string> SettingOverrides => new Dictionary<string, string> { ["Serving__AliasRefreshInterval"] = "00:00:01" };
    }

    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task Infer_OutputSizedByTheRequestBeyondTheMemoryLimit_422FastAndTheInstanceKeepsServing()
    {
        string name = await Client.RegisterNewAsync("huge", OnnxModelBuilder.ConstantOfShape());

        // 20000 x 20000 floats: 1.6 GB, beyond the default 512 MiB ONNX Runtime may use (and the default output bounds).
        var (status, body) = await Client.PostJsonAsync(
            $"/v2/models/{name}/infer",
            """{"inputs": [{"name": "shape", "shape": [2], "datatype": "INT64", "data": [20000, 20000]}]}""");
        var (after, small) = await Client.PostJsonAsync(
            $"/v2/models/{name}/infer",
            """{"inputs": [{"name": "shape", "shape": [2], "datatype": "INT64", "data": [2, 3]}]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Serving__MaxInferenceMemoryBytes", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal(new float[6], small.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Theory]
    [InlineData("/models/{name}/predict?alias=a%2Fb", "not a valid alias")]
    [InlineData("/models/{name}/predict?alias=Production", "not a valid alias")]
    [InlineData("/models/{name}/predict?version=0", "not a valid version")]
    [InlineData("/models/{name}/predict?version=1&alias=production", "not both")]
    [InlineData("/models/bad!name/predict", "not a valid model name")]
    [InlineData("/v2/models/{name}/versions/latest/infer", "not a valid version")]
    [InlineData("/v2/models/{name}/versions/99999999999/infer", "not a valid version")]
    public async Task Post_InvalidModelReference_400BeforeAnyStorageCall(string path, string reason)
    {
        string name = await Client.RegisterNewAsync("refs", OnnxModelBuilder.Add(2));

        var (status, body) = await Client.PostJsonAsync(path.Replace("{name}", name, StringComparison.Ordinal), """{"rows": [{"a": 1}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/models/bad!name")]
    [InlineData("/v2/models/{name}/versions/latest")]
    [InlineData("/v2/models/{name}/versions/0/ready")]
    public async Task Get_InvalidModelReference_400(string path)
    {
        string name = await Client.RegisterNewAsync("refs-get", OnnxModelBuilder.Add(2));

        using var response = await Client.GetAsync(new Uri(path.Replace("{name}", name, StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Infer_NestedDataNotMatchingTheShape_400()
    {
        string name = await Client.RegisterNewAsync("ragged", OnnxModelBuilder.Identity(TensorElementType.Int32, 2, 2));

        var (status, body) = await Client.PostJsonAsync(
            $"/v2/models/{name}/infer",
            """{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "INT32", "data": [[1, 2, 3], [4]]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data[0] has 3 values, but shape [2, 2] needs 2", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BareNaNAndInfinityAsPythonSendsThem_AcceptedLikeTheStrings()
    {
        string name = await Client.RegisterNewAsync("nan", OnnxModelBuilder.Identity(TensorElementType.Float, -1));

        var (status, body) = await Client.PostJsonAsync(
            $"/v2/models/{name}/infer",
            """{"id": "NaN Infinity", "inputs": [{"name": "x", "shape": [4], "datatype": "FP32", "data": [NaN, Infinity, -Infinity, 1.5]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("NaN Infinity", body.GetProperty("id").GetString());
        Assert.Equal(["NaN", "Infinity", "-Infinity", "1.5"], body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.ToString()));
    }

    [Fact]
    public async Task ModelMetadata_IdleLongerThanTheRefreshIntervalThenRolledBack_FirstRequestGetsTheRolledBackVersion()
    {
        string name = await Client.RegisterNewAsync("rollback", OnnxModelBuilder.Add(2));
        await Client.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), production: true);
        var before = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}", UriKind.Relative));

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // idle past Serving__AliasRefreshInterval (1 s here)
        using var rollback = await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version = 1 });
        rollback.EnsureSuccessStatusCode();
        var first = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}", UriKind.Relative));

        Assert.Equal("2", before.GetProperty("versions")[0].GetString());
        Assert.Equal("1", first.GetProperty("versions")[0].GetString());
    }
}
