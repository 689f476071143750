using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>What one request may cost, each limit small enough here to reach with a small request.</summary>
public sealed class ServingLimitsTests(ServingLimitsTests.SmallLimitsFixture fixture) : IClassFixture<ServingLimitsTests.SmallLimitsFixture>
{
    public sealed class SmallLimitsFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string> SettingOverrides => new Dictionary<string, string>
        {
            ["Serving__MaxOutputElements"] = "5000",
            ["Serving__MaxResponseBytes"] = "1024",
            ["Serving__MaxRunTime"] = "00:00:00.050",
        };
    }

    private HttpClient Client => fixture.Runtime.Client;

    private static string Shape(long rows, long columns) =>
        $$"""{"inputs": [{"name": "shape", "shape": [2], "datatype": "INT64", "data": [{{rows}}, {{columns}}]}]}""";

    [Fact]
    public async Task Infer_OutputsOverMaxOutputElements_422NamingTheSetting()
    {
        string name = await Client.RegisterNewAsync("elements", OnnxModelBuilder.ConstantOfShape());

        var (status, body) = await Client.PostJsonAsync($"/v2/models/{name}/infer", Shape(100, 100));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Serving__MaxOutputElements", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_ResponseOverMaxResponseBytes_422NamingTheSetting()
    {
        string name = await Client.RegisterNewAsync("bytes", OnnxModelBuilder.ConstantOfShape());

        var (status, body) = await Client.PostJsonAsync($"/v2/models/{name}/infer", Shape(10, 400));
        var (small, _) = await Client.PostJsonAsync($"/v2/models/{name}/infer", Shape(2, 3));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Serving__MaxResponseBytes", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small);
    }

    [Fact]
    public async Task Infer_RunLongerThanMaxRunTime_422NamingTheSetting()
    {
        string name = await Client.RegisterNewAsync("slow", OnnxModelBuilder.MatMulChain(3000));
        string data = string.Join(",", Enumerable.Repeat("0.5", 256 * 256));

        var (status, body) = await Client.PostJsonAsync(
            $"/v2/models/{name}/infer",
            $$"""{"inputs": [{"name": "x", "shape": [256, 256], "datatype": "FP32", "data": [{{data}}]}]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Serving__MaxRunTime", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
