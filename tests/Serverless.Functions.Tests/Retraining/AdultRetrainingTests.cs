using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;
using Serverless.Demo;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Retraining;

/// <summary>The line on real data it has never seen in code: UCI Adult, from a spec alone.</summary>
public sealed class AdultRetrainingTests(LocalRuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalRuntimeFixture>
{
    [SharedDataFact("data/adult")]
    public async Task StartRetraining_AdultSpec_DefaultFairnessGatesRejectThenWaivedSpecPromotesAucAbove090OnTestSet()
    {
        string model = $"adult-{Guid.NewGuid():N}"[..20];
        var container = new BlobContainerClient(fixture.ConnectionString, "training-data");
        await container.CreateIfNotExistsAsync();
        string blob = $"{model}/adult-train.csv";
        await container.GetBlobClient(blob).UploadAsync(Path.Combine(RepositoryPaths.Shared!, "data/adult/adult-train.csv"));
        var client = fixture.Runtime.Client;

        // The default gates: Adult's labels are skewed by sex, and the line must say so rather than promote.
        var spec = AdultSpec.Create($"training-data/{blob}");
        await client.PutSpecAsync(model, spec.ToJsonString());
        var first = await client.WaitForOutcomeAsync(model, await client.StartRetrainingAsync(model), TimeSpan.FromMinutes(3));
        Assert.Equal("rejected", first.GetProperty("outcome").GetString());
        Assert.Contains("disparate impact", first.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);

        // A reviewer waives the fairness thresholds in a new spec version, on the record; the figures are still measured.
        spec["gates"]!["fairness"] = new JsonObject { ["minDisparateImpact"] = 0.0, ["maxEqualOpportunityDifference"] = 1.0 };
        await client.PutSpecAsync(model, spec.ToJsonString());
        var second = await client.WaitForOutcomeAsync(model, await client.StartRetrainingAsync(model), TimeSpan.FromMinutes(3));
        Assert.Equal("promoted", second.GetProperty("outcome").GetString());
        int version = second.GetProperty("candidateVersion").GetInt32();
        var lineage = (await client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/versions/{version}/lineage")).Body;
        var fairness = lineage.GetProperty("review").GetProperty("candidate").GetProperty("fairness").GetProperty("sex");
        output.WriteLine($"holdout: {lineage.GetProperty("review").GetProperty("candidate").GetProperty("metrics")}");
        output.WriteLine($"fairness across sex: {fairness}");

        // The promoted artifact, scored on adult-test.csv, which the line never saw.
        string artifact = lineage.GetProperty("registration").GetProperty("artifact").GetString()!;
        string path = Path.Combine(Path.GetTempPath(), $"{model}.onnx");
        await new BlobContainerClient(fixture.ConnectionString, "models").GetBlobClient(artifact).DownloadToAsync(path);
        var modelSpec = JsonSerializer.Deserialize<ModelSpec>(spec.ToJsonString())!;
        TrainingTable test;
        await using (var file = File.OpenRead(Path.Combine(RepositoryPaths.Shared!, "data/adult/adult-test.csv")))
        {
            test = (await TabularReader.ReadAsync(file, "csv", modelSpec, CancellationToken.None)).Table;
        }

        var report = new ModelEvaluator().Evaluate(path, test, ModelTasks.Binary, CancellationToken.None);
        File.Delete(path);
        output.WriteLine($"adult-test: {JsonSerializer.Serialize(report.Metrics)}; fairness {JsonSerializer.Serialize(report.Fairness)}");
        Assert.True(report.Metrics[MetricNames.Auc] >= 0.90, $"AUC on adult-test.csv is {report.Metrics[MetricNames.Auc]:0.####}");
        Assert.True(report.Fairness.ContainsKey("sex"));
    }
}
