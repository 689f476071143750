using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Server;

public sealed class ModelMetadataFunctionsTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    private async Task<string> RegisterAsync(byte[] model, bool production)
    {
        string name = "meta-" + Guid.NewGuid().ToString("N")[..12];
        using var content = new ByteArrayContent(model);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await Client.PostAsync(new Uri($"/models/{name}/versions", UriKind.Relative), content)).EnsureSuccessStatusCode();
        if (production)
        {
            (await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/production", UriKind.Relative), new { version = 1 })).EnsureSuccessStatusCode();
        }

        return name;
    }

    [Fact]
    public async Task GetModelMetadata_ProductionAliasSet_DescribesInputsAndOutputsAsTheProtocolDoes()
    {
        string name = await RegisterAsync(OnnxModelBuilder.Identity(TensorElementType.Int32, -1, 3), production: true);

        var metadata = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}", UriKind.Relative));

        Assert.Equal(name, metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        var input = Assert.Single(metadata.GetProperty("inputs").EnumerateArray());
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("INT32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("y", Assert.Single(metadata.GetProperty("outputs").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task GetModelMetadata_NoProductionAlias_404SayingHowToSetIt()
    {
        string name = await RegisterAsync(OnnxModelBuilder.Add(2), production: false);

        using var response = await Client.GetAsync(new Uri($"/v2/models/{name}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("PUT /models/", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        using var byVersion = await Client.GetAsync(new Uri($"/v2/models/{name}/versions/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, byVersion.StatusCode);
    }

    [Theory]
    [InlineData("/versions/7")]
    public async Task GetModelVersionMetadata_UnknownVersion_404WithError(string suffix)
    {
        string name = await RegisterAsync(OnnxModelBuilder.Add(2), production: false);

        using var response = await Client.GetAsync(new Uri($"/v2/models/{name}{suffix}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out _));
    }
}
