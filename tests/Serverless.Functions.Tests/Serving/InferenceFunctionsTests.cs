using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

public sealed class InferenceFunctionsTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json) => Client.PostJsonAsync(path, json);

    public static TheoryData<TensorElementType, string, string> EveryTensorType => new()
    {
        { TensorElementType.Bool, "BOOL", "[true, false, true, true, false, false]" },
        { TensorElementType.Int8, "INT8", "[-128, 127, 0, 1, -1, 5]" },
        { TensorElementType.Int16, "INT16", "[-32768, 32767, 0, 1, -1, 5]" },
        { TensorElementType.Int32, "INT32", "[-2147483648, 2147483647, 0, 1, -1, 5]" },
        { TensorElementType.Int64, "INT64", "[-9223372036854775808, 9223372036854775807, 0, 1, -1, 5]" },
        { TensorElementType.UInt8, "UINT8", "[0, 255, 1, 2, 3, 4]" },
        { TensorElementType.UInt16, "UINT16", "[0, 65535, 1, 2, 3, 4]" },
        { TensorElementType.UInt32, "UINT32", "[0, 4294967295, 1, 2, 3, 4]" },
        { TensorElementType.UInt64, "UINT64", "[0, 18446744073709551615, 1, 2, 3, 4]" },
        { TensorElementType.Float16, "FP16", "[0.5, -2, 65504, 0.25, \"NaN\", \"-Infinity\"]" },
        { TensorElementType.Float, "FP32", "[1.5, -0.1, 3.4028235E+38, 1E-45, \"NaN\", \"Infinity\"]" },
        { TensorElementType.Double, "FP64", "[1.5, -0.1, 1.7976931348623157E+308, 5E-324, \"NaN\", \"-Infinity\"]" },
        { TensorElementType.String, "BYTES", "[\"a\", \"h\\u00e9llo\", \"\", \"\\ud83d\\ude00\", \"x y\", \"\\\"q\\\"\"]" },
    };

    [Theory]
    [MemberData(nameof(EveryTensorType))]
    public async Task Infer_EveryTensorType_ReturnsTheValuesSentWithVersionAndIds(TensorElementType type, string datatype, string data)
    {
        string name = await Client.RegisterNewAsync("types", OnnxModelBuilder.Identity(type, -1, 3));

        var (status, body) = await PostAsync($"/v2/models/{name}/infer",
            $$"""{"id": "req-7", "parameters": {"trace": true}, "inputs": [{"name": "x", "shape": [2, 3], "datatype": "{{datatype}}", "data": {{data}}}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("req-7", body.GetProperty("id").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("parameters").GetProperty("prediction_id").GetString(), out _));
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal(datatype, output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var sent = JsonDocument.Parse(data).RootElement.EnumerateArray().ToList();
        var received = output.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(sent.Count, received.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(Normalize(datatype, sent[i]), Normalize(datatype, received[i]));
        }
    }

    // Floats compare by value at the tensor's precision; everything else by its JSON value.
    private static string Normalize(string datatype, JsonElement value) => (datatype, value.ValueKind) switch
    {
        (_, JsonValueKind.String) => value.GetString()!,
        ("FP16", _) => ((Half)value.GetDouble()).ToString(CultureInfo.InvariantCulture),
        ("FP32", _) => value.GetSingle().ToString(CultureInfo.InvariantCulture),
        ("FP64", _) => value.GetDouble().ToString(CultureInfo.InvariantCulture),
        _ => value.GetRawText(),
    };

    [Fact]
    public async Task Infer_NestedDataArrays_AreReadRowMajor()
    {
        string name = await Client.RegisterNewAsync("nested", OnnxModelBuilder.Identity(TensorElementType.Int32, 2, 2));

        var (status, body) = await PostAsync($"/v2/models/{name}/infer",
            """{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "INT32", "data": [[1, 2], [3, 4]]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([1, 2, 3, 4], body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetInt32()));
        Assert.False(body.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Infer_OutputsFilter_ReturnsOnlyTheNamedOutputs()
    {
        byte[] split = OnnxModelBuilder.Build("Split", [("x", TensorElementType.Float, [4])], [("first", TensorElementType.Float, [2]), ("second", TensorElementType.Float, [2])]);
        string name = await Client.RegisterNewAsync("split", split);
        const string Inputs = "\"inputs\": [{\"name\": \"x\", \"shape\": [4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]";

        var (_, all) = await PostAsync($"/v2/models/{name}/infer", $"{{{Inputs}}}");
        var (status, filtered) = await PostAsync($"/v2/models/{name}/infer", $$"""{{{Inputs}}, "outputs": [{"name": "second"}]}""");

        Assert.Equal(["first", "second"], all.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, status);
        var output = Assert.Single(filtered.GetProperty("outputs").EnumerateArray());
        Assert.Equal("second", output.GetProperty("name").GetString());
        Assert.Equal([3f, 4f], output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task Infer_SequenceOfMapsOutput_ReturnsRowsInKeyOrderWithTheKeys()
    {
        string name = await Client.RegisterNewAsync("zipmap", OnnxModelBuilder.ZipMap(3, 7));

        var (status, body) = await PostAsync($"/v2/models/{name}/infer",
            """{"inputs": [{"name": "probabilities", "shape": [2, 2], "datatype": "FP32", "data": [0.25, 0.75, 0.5, 0.5]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("output_probability", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([0.25f, 0.75f, 0.5f, 0.5f], output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal("sequence_of_maps", output.GetProperty("parameters").GetProperty("content_type").GetString());
        Assert.Equal([3L, 7L], output.GetProperty("parameters").GetProperty("keys").EnumerateArray().Select(k => k.GetInt64()));
    }

    [Fact]
    public async Task Infer_NamedVersion_ServesThatVersionAndTheAliasServesProduction()
    {
        string name = await Client.RegisterNewAsync("versions", OnnxModelBuilder.Add(2));
        await Client.RegisterAsync(name, OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)), production: false);
        const string Request = """{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "b", "shape": [2], "datatype": "FP32", "data": [3, 4]}]}""";

        var (_, production) = await PostAsync($"/v2/models/{name}/infer", Request);
        var (status, second) = await PostAsync($"/v2/models/{name}/versions/2/infer", Request);

        Assert.Equal("1", production.GetProperty("model_version").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", second.GetProperty("model_version").GetString());
        Assert.Equal([4f, 6f], second.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Theory]
    [InlineData("{\"inputs\": [", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"inputs\": []}", "needs 'inputs'")]
    [InlineData("{\"id\": 5, \"inputs\": [A, B]}", "'id' must be a string")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1, 2]}, B]}", "takes FP32")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}, B]}", "has 3 values, but shape [2] needs 2")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}, B]}", "the model takes [2]")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}, B]}", "the model takes [2]")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1, \"x\"]}, B]}", "not a valid FP32")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1, true]}, B]}", "not a valid FP32")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [-2], \"datatype\": \"FP32\", \"data\": [1, 2]}, B]}", "zero or more")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [9223372036854775807, 4], \"datatype\": \"FP32\", \"data\": [1, 2]}, B]}", "more values than a request can carry")]
    [InlineData("{\"inputs\": [B]}", "Missing input(s): a")]
    [InlineData("{\"inputs\": [A, B, {\"name\": \"c\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1, 2]}]}", "Unknown input 'c'")]
    [InlineData("{\"inputs\": [A, A, B]}", "given twice")]
    [InlineData("{\"inputs\": [A, B], \"outputs\": [{\"name\": \"product\"}]}", "Unknown output 'product'")]
    [InlineData("{\"inputs\": [A, B], \"parameters\": [1]}", "'parameters' must be a JSON object")]
    [InlineData("{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\"}, B]}", "needs 'data'")]
    public async Task Infer_BadRequest_400WithTheReason(string template, string reason)
    {
        string name = await Client.RegisterNewAsync("bad", OnnxModelBuilder.Add(2));
        string json = template
            .Replace("A", """{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}""", StringComparison.Ordinal)
            .Replace("B", """{"name": "b", "shape": [2], "datatype": "FP32", "data": [1, 2]}""", StringComparison.Ordinal);

        var (status, body) = await PostAsync($"/v2/models/{name}/infer", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_IntegerOutOfItsTypesRange_400()
    {
        string name = await Client.RegisterNewAsync("int8", OnnxModelBuilder.Identity(TensorElementType.Int8, 2));

        var (status, body) = await PostAsync($"/v2/models/{name}/infer", """{"inputs": [{"name": "x", "shape": [2], "datatype": "INT8", "data": [1, 300]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("value 1 (300) is not a valid INT8", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/models/no-such-model/infer")]
    [InlineData("/v2/models/{name}/versions/9/infer")]
    [InlineData("/models/no-such-model/predict")]
    [InlineData("/models/{name}/predict?version=9")]
    [InlineData("/models/{name}/predict?alias=candidate")]
    public async Task Post_UnknownModelVersionOrAlias_404WithError(string path)
    {
        string name = await Client.RegisterNewAsync("known", OnnxModelBuilder.Add(2));

        var (status, body) = await PostAsync(path.Replace("{name}", name, StringComparison.Ordinal), "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task ModelReady_RegisteredModel_200NamingTheVersion()
    {
        string name = await Client.RegisterNewAsync("ready", OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2)));

        var ready = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}/ready", UriKind.Relative));
        var byVersion = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{name}/versions/1/ready", UriKind.Relative));
        using var unknown = await Client.GetAsync(new Uri($"/v2/models/{name}/versions/2/ready", UriKind.Relative));

        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal("1", ready.GetProperty("version").GetString());
        Assert.True(byVersion.GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Infer_ArtifactTamperedInStorage_500NeverServedAndRecorded()
    {
        byte[] model = OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2));
        string name = await Client.RegisterNewAsync("tampered", model);
        var version = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/models/{name}/versions/1", UriKind.Relative));
        await new BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("models")
            .GetBlobClient(version.GetProperty("artifact").GetString())
            .UploadAsync(BinaryData.FromBytes(OnnxModelBuilder.Unique(OnnxModelBuilder.Add(2))), overwrite: true);
        const string Request = """{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2]}, {"name": "b", "shape": [2], "datatype": "FP32", "data": [3, 4]}]}""";

        var (first, body) = await PostAsync($"/v2/models/{name}/infer", Request);
        var (second, _) = await PostAsync($"/v2/models/{name}/infer", Request);

        Assert.Equal(HttpStatusCode.InternalServerError, first);
        Assert.Equal(HttpStatusCode.InternalServerError, second);
        Assert.Contains("is not served", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var lineage = await Client.GetFromJsonAsync<JsonElement>(new Uri($"/models/{name}", UriKind.Relative));
        Assert.Contains(lineage.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "integrity-failure");
    }
}
