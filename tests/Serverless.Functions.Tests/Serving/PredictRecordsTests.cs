using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>The records API, on the demo classifier that ML.NET trains and exports to ONNX.</summary>
public sealed class PredictRecordsTests(PredictRecordsTests.DemoModelFixture fixture) : IClassFixture<PredictRecordsTests.DemoModelFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    public sealed class DemoModelFixture : LocalRuntimeFixture
    {
        public DemoModel Demo { get; } = DemoClassifier.Train();
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json) => Client.PostJsonAsync(path, json);

    [Fact]
    public async Task Predict_DemoClassifier_LabelAndProbabilitiesPerRowWithVersionAndIds()
    {
        string name = await Client.RegisterNewAsync("demo", fixture.Demo.Onnx);

        var (status, body) = await PostAsync($"/models/{name}/predict", DemoSetup.ExamplePredictBody);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        var predictions = body.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(2, predictions.Count);
        Assert.True(predictions[0].GetProperty("label").GetBoolean());
        Assert.False(predictions[1].GetProperty("label").GetBoolean());
        foreach (var prediction in predictions)
        {
            var probabilities = prediction.GetProperty("probabilities");
            Assert.Equal(1.0, probabilities.GetProperty("true").GetDouble() + probabilities.GetProperty("false").GetDouble(), 5);
            Assert.Equal(prediction.GetProperty("label").GetBoolean(), probabilities.GetProperty("true").GetDouble() > 0.5);
        }

        var ids = predictions.Select(p => Guid.Parse(p.GetProperty("prediction_id").GetString()!)).ToList();
        Assert.Equal(2, ids.Distinct().Count());
    }

    [Fact]
    public async Task Predict_SameRowsThroughInfer_GiveTheSameProbabilities()
    {
        string name = await Client.RegisterNewAsync("demo-both", fixture.Demo.Onnx);

        var (_, records) = await PostAsync($"/models/{name}/predict", DemoSetup.ExamplePredictBody);
        var (status, infer) = await PostAsync($"/v2/models/{name}/infer", DemoSetup.ExampleInferBody);

        Assert.Equal(HttpStatusCode.OK, status);
        var probability = infer.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "Probability.output");
        Assert.Equal(
            probability.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()),
            records.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("probabilities").GetProperty("true").GetSingle()));
    }

    [Fact]
    public async Task Predict_VersionOrAliasInQuery_ServesAndNamesThatVersion()
    {
        string name = await Client.RegisterNewAsync("demo-versions", fixture.Demo.Onnx);
        int second = await Client.RegisterAsync(name, fixture.Demo.Onnx, production: false);
        (await Client.PutAsJsonAsync(new Uri($"/models/{name}/aliases/candidate", UriKind.Relative), new { version = second })).EnsureSuccessStatusCode();

        var (_, byDefault) = await PostAsync($"/models/{name}/predict", DemoSetup.ExamplePredictBody);
        var (_, byVersion) = await PostAsync($"/models/{name}/predict?version=2", DemoSetup.ExamplePredictBody);
        var (_, byAlias) = await PostAsync($"/models/{name}/predict?alias=candidate", DemoSetup.ExamplePredictBody);

        Assert.Equal("1", byDefault.GetProperty("model_version").GetString());
        Assert.Equal("2", byVersion.GetProperty("model_version").GetString());
        Assert.Equal("2", byAlias.GetProperty("model_version").GetString());
    }

    [Theory]
    [InlineData("{\"rows\": [{\"income\": 85, \"debt_ratio\": 0.2, \"years_employed\": 6}]}", "Row 0 lacks feature 'late_payments'")]
    [InlineData("{\"rows\": [{\"income\": 85, \"debt_ratio\": 0.2, \"years_employed\": 6, \"late_payments\": 0, \"age\": 40}]}", "Row 0 has feature 'age'")]
    [InlineData("{\"rows\": [{\"income\": \"high\", \"debt_ratio\": 0.2, \"years_employed\": 6, \"late_payments\": 0}]}", "Feature 'income': value 0 (\"high\") is not a valid FP32")]
    [InlineData("{\"rows\": [{\"income\": [85, 86], \"debt_ratio\": 0.2, \"years_employed\": 6, \"late_payments\": 0}]}", "Feature 'income' has 2 value(s) per row, but the model takes 1")]
    [InlineData("{\"rows\": []}", "needs 'rows'")]
    [InlineData("{\"rows\": {\"income\": 1}}", "needs 'rows'")]
    [InlineData("{\"rows\": [5]}", "Row 0 is not an object")]
    [InlineData("rows=1", "not valid JSON")]
    public async Task Predict_BadRows_400WithTheReason(string json, string reason)
    {
        string name = await Client.RegisterNewAsync("demo-bad", fixture.Demo.Onnx);

        var (status, body) = await PostAsync($"/models/{name}/predict", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_SequenceOfMapsProbabilities_MapsEachRowsClassesToProbabilities()
    {
        string name = await Client.RegisterNewAsync("zipmap-rows", OnnxModelBuilder.ZipMap(3, 7));

        var (status, body) = await PostAsync($"/models/{name}/predict", """{"rows": [{"probabilities": [0.25, 0.75]}, {"probabilities": [0.5, 0.5]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var predictions = body.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(0.75f, predictions[0].GetProperty("probabilities").GetProperty("7").GetSingle());
        Assert.Equal(0.25f, predictions[0].GetProperty("probabilities").GetProperty("3").GetSingle());
        Assert.Equal(0.5f, predictions[1].GetProperty("probabilities").GetProperty("3").GetSingle());
    }

    [Fact]
    public async Task Predict_RegressionStyleOutput_ReturnsTheValuePerRow()
    {
        string name = await Client.RegisterNewAsync("sum-rows", OnnxModelBuilder.Add(-1));

        var (status, body) = await PostAsync($"/models/{name}/predict", """{"rows": [{"a": 1, "b": 2}, {"a": 10, "b": 0.5}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([3f, 10.5f], body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("value").GetSingle()));
    }
}
