using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Serving;

/// <summary>Explanations over the local runtime, on models the retraining line trained and the demo model registered by hand.</summary>
public sealed class ExplainFunctionsTests(PredictRecordsTests.DemoModelFixture fixture) : IClassFixture<PredictRecordsTests.DemoModelFixture>
{
    private static readonly string[] NumericFeatures = ["income", "debt_ratio", "years_employed", "late_payments"];

    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task Explain_ModelTrainedByTheLineAndDemoModelAfterIt_AttributionsAddUpToTheLogOdds()
    {
        string model = $"explain-{Guid.NewGuid():N}"[..20];
        string dataset = model + "-data";
        await Client.UploadDatasetAsync(dataset, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        await Client.PutSpecAsync(model, spec.ToJsonString());
        string id = await Client.StartRetrainingAsync(model, """{"reason": "first model"}""", "alice@example.com");
        Assert.Equal("promoted", (await Client.WaitForOutcomeAsync(model, id)).GetProperty("outcome").GetString());
        int demo = await Client.RegisterAsync(model, fixture.Demo.Onnx, production: false);

        var (trainedStatus, trained) = await Client.PostJsonAsync($"/models/{model}/explain", DemoSetup.ExamplePredictBody);
        var (demoStatus, byHand) = await Client.PostJsonAsync($"/models/{model}/explain?version={demo}", DemoSetup.ExamplePredictBody);
        var (_, predicted) = await Client.PostJsonAsync($"/models/{model}/predict?explain=true", DemoSetup.ExamplePredictBody);
        var (importanceStatus, importance) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/versions/1/importance");

        Assert.Equal(HttpStatusCode.OK, trainedStatus);
        Assert.Equal(HttpStatusCode.OK, demoStatus);
        var probabilities = predicted.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("probabilities").GetProperty("true").GetDouble()).ToList();
        foreach (var answer in new[] { trained, byHand, predicted })
        {
            var explanations = answer.GetProperty("explanations").EnumerateArray().ToList();
            Assert.Equal(2, explanations.Count);
            foreach (var e in explanations)
            {
                Assert.Equal("tree-shap", e.GetProperty("method").GetString());
                Assert.Equal("log-odds", e.GetProperty("space").GetString());
                Assert.Contains("version 1's training baseline", e.GetProperty("baseline_description").GetString());
                double sum = e.GetProperty("attributions").EnumerateObject().Sum(a => a.Value.GetDouble());
                Assert.Equal(e.GetProperty("output").GetDouble() - e.GetProperty("baseline").GetDouble(), sum, 6);
                Assert.Equal(DemoClassifier.Features.Order(), e.GetProperty("attributions").EnumerateObject().Select(a => a.Name).Order());
            }
        }

        // The approver's view: every feature ranked by mean absolute attribution; income drives the generated outcome.
        Assert.Equal(HttpStatusCode.OK, importanceStatus);
        Assert.Equal("tree-shap", importance.GetProperty("method").GetString());
        var ranked = importance.GetProperty("importance").EnumerateArray().ToList();
        Assert.Equal(DemoClassifier.Features.Order(), ranked.Select(f => f.GetProperty("feature").GetString()).Order());
        Assert.True(ranked[0].GetProperty("importance").GetDouble() > 0);
        Assert.Contains(ranked.Take(2), f => f.GetProperty("feature").GetString() == "income");

        // The production version's explanations are of the predictions they come with, in log-odds of their probability.
        var withPredictions = predicted.GetProperty("explanations").EnumerateArray().ToList();
        Assert.Equal(
            predicted.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetString()),
            withPredictions.Select(e => e.GetProperty("prediction_id").GetString()));
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(Math.Log(probabilities[r] / (1 - probabilities[r])), withPredictions[r].GetProperty("output").GetDouble(), 3);
            Assert.Equal(withPredictions[r].GetProperty("output").GetDouble(), trained.GetProperty("explanations")[r].GetProperty("output").GetDouble(), 9);
        }

        // One row more than Explanations__MaxRows (100 by default): 400 saying the limit and how to split; predictions
        // without explanations take the same rows.
        var row = JsonNode.Parse(DemoSetup.ExamplePredictBody)!["rows"]![0]!;
        string tooMany = new JsonObject { ["rows"] = new JsonArray([.. Enumerable.Range(0, 101).Select(_ => row.DeepClone())]) }.ToJsonString();
        var (overStatus, over) = await Client.PostJsonAsync($"/models/{model}/explain", tooMany);
        var (overPredictStatus, overPredict) = await Client.PostJsonAsync($"/models/{model}/predict?explain=true", tooMany);
        var (plainStatus, _) = await Client.PostJsonAsync($"/models/{model}/predict", tooMany);
        Assert.Equal(HttpStatusCode.BadRequest, overStatus);
        Assert.Contains("explain 101 rows; one request explains at most 100 (Explanations__MaxRows): split", over.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, overPredictStatus);
        Assert.Equal(over.GetProperty("error").GetString(), overPredict.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, plainStatus);
    }

    [Fact]
    public async Task Explain_MulticlassModelTrainedByTheLine_EachClassAddsUpToItsProbability()
    {
        // The generated applications' employment (three kinds) as the label of a multiclass model of the other features.
        string model = $"explain-mc-{Guid.NewGuid():N}"[..20];
        string dataset = model + "-data";
        await Client.UploadDatasetAsync(dataset, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["task"] = "multiclass";
        spec["data"]!["dataset"] = dataset;
        spec["data"]!["features"] = new JsonArray([.. NumericFeatures.Select(f => (JsonNode)new JsonObject { ["name"] = f, ["type"] = "numeric" })]);
        spec["data"]!["label"] = new JsonObject { ["name"] = "employment" };
        spec.Remove("gates");
        await Client.PutSpecAsync(model, spec.ToJsonString());
        string id = await Client.StartRetrainingAsync(model, """{"reason": "multiclass"}""", "alice@example.com");
        var status = await Client.WaitForOutcomeAsync(model, id);
        Assert.True(status.GetProperty("outcome").GetString() == "promoted", status.ToString());
        var rows = JsonNode.Parse(DemoSetup.ExamplePredictBody)!.AsObject();
        foreach (var row in rows["rows"]!.AsArray())
        {
            row!.AsObject().Remove("employment");
        }

        var (explainStatus, explained) = await Client.PostJsonAsync($"/models/{model}/explain", rows.ToJsonString());

        Assert.True(explainStatus == HttpStatusCode.OK, explained.ToString());
        var explanations = explained.GetProperty("explanations").EnumerateArray().ToList();
        Assert.Equal(2, explanations.Count);
        foreach (var e in explanations)
        {
            Assert.Equal("kernel-shap", e.GetProperty("method").GetString());
            Assert.Equal("probability", e.GetProperty("space").GetString());
            var classes = e.GetProperty("classes").EnumerateObject().ToList();
            Assert.Equal(["0", "1", "2"], classes.Select(c => c.Name));
            foreach (var c in classes)
            {
                double sum = c.Value.GetProperty("attributions").EnumerateObject().Sum(a => a.Value.GetDouble());
                Assert.Equal(c.Value.GetProperty("output").GetDouble() - c.Value.GetProperty("baseline").GetDouble(), sum, 6);
            }

            Assert.Equal(1, classes.Sum(c => c.Value.GetProperty("output").GetDouble()), 4);
            var predicted = classes.MaxBy(c => c.Value.GetProperty("output").GetDouble());
            Assert.Equal(predicted.Name, e.GetProperty("class").GetString());
            Assert.Equal(predicted.Value.GetProperty("output").GetDouble(), e.GetProperty("output").GetDouble());
        }

        // The approver saw the multiclass candidate's importance too.
        var (_, lineage) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/versions/{status.GetProperty("candidateVersion").GetInt32()}/lineage");
        Assert.Equal(4, lineage.GetProperty("review").GetProperty("importance").GetProperty("features").GetArrayLength());
    }

    [Fact]
    public async Task Explain_VersionWithoutTrainingBaseline_Answers422SayingWhy()
    {
        string name = await Client.RegisterNewAsync("explain-nobase", fixture.Demo.Onnx);

        var (status, body) = await Client.PostJsonAsync($"/models/{name}/explain", DemoSetup.ExamplePredictBody);
        var (predictStatus, predictBody) = await Client.PostJsonAsync($"/models/{name}/predict?explain=true", DemoSetup.ExamplePredictBody);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("no training baseline", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, predictStatus);
        Assert.Contains("no training baseline", predictBody.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{\"rows\": [{\"income\": 85, \"debt_ratio\": 0.2, \"years_employed\": 6}]}", "Row 0 lacks feature 'late_payments'")]
    [InlineData("{\"rows\": [{\"income\": 85, \"debt_ratio\": 0.2, \"years_employed\": 6, \"late_payments\": 0, \"age\": 40}]}", "Row 0 has feature 'age'")]
    [InlineData("{\"rows\": []}", "The request needs 'rows'")]
    [InlineData("{\"rows\": [{\"income\": \"high\", \"debt_ratio\": 0.2, \"years_employed\": 6, \"late_payments\": 0, \"employment\": \"salaried\"}]}", "income")]
    public async Task Explain_BadRows_AnswersAsPredictDoes(string json, string message)
    {
        string name = await Client.RegisterNewAsync("explain-bad", fixture.Demo.Onnx);

        var (status, body) = await Client.PostJsonAsync($"/models/{name}/explain", json);
        var (predictStatus, predictBody) = await Client.PostJsonAsync($"/models/{name}/predict", json);

        Assert.Equal(predictStatus, status);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body.GetProperty("error").GetString());
        Assert.Equal(predictBody.GetProperty("error").GetString(), body.GetProperty("error").GetString());
    }
}
