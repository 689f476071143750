using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Retraining;

public sealed class RetrainingRecoveryTests(ITestOutputHelper output)
{
    // Long enough to be killed in: thousands of trees on tens of thousands of rows.
    private const int Rows = 20000;

    [Fact]
    public async Task StartRetraining_RuntimeKilledWhileTraining_CompletesExactlyOnceAfterRestart()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var settings = RuntimeSettings.Create(connection, new Dictionary<string, string>
        {
            ["LocalRuntime__DurableLeaseInterval"] = "00:00:06",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout"] = "00:00:10",
        });
        await using var runtime = await RuntimeProcess.StartAsync(settings);
        string model = await PrepareAsync(runtime.Client, "killed");
        string id = await runtime.Client.StartRetrainingAsync(model);

        await runtime.Client.WaitForRetrainingAsync(model, id, s => s.GetProperty("currentStep").GetString() == "train", "the train step");
        await Task.Delay(TimeSpan.FromSeconds(2));
        runtime.Kill();
        var killedAt = DateTime.UtcNow;
        await runtime.RestartAsync();
        var status = await runtime.Client.WaitForOutcomeAsync(model, id, TimeSpan.FromMinutes(3));
        output.WriteLine($"ended {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill: {status}");

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        var info = (await runtime.Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}")).Body;
        Assert.Single(info.GetProperty("versions").EnumerateArray());
        Assert.Single(info.GetProperty("aliasHistory").EnumerateArray());
        var history = await HistoryAsync(connection, settings.HubName, id);
        Assert.Equal(1, history.Count(e => e.Type == "ExecutionCompleted"));
        Assert.Equal(1, history.Count(e => e.Type == "TaskScheduled" && e.Name == "RetrainTrain"));
        Assert.Equal(1, history.Count(e => e.Type == "TaskScheduled" && e.Name == "RetrainPromote"));
    }

    [Fact]
    public async Task StartRetraining_StorageDownWhileTraining_ResumesAndPromotesOnceWhenItReturns()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var settings = RuntimeSettings.Create(azurite.ConnectionString, new Dictionary<string, string>
        {
            ["LocalRuntime__DurableLeaseInterval"] = "00:00:06",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout"] = "00:00:10",
        });
        await using var runtime = await RuntimeProcess.StartAsync(settings);
        string model = await PrepareAsync(runtime.Client, "outage");
        string id = await runtime.Client.StartRetrainingAsync(model);

        await runtime.Client.WaitForRetrainingAsync(model, id, s => s.GetProperty("currentStep").GetString() == "train", "the train step");
        await azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(8));
        await azurite.StartAgainAsync();
        var status = await runtime.Client.WaitForOutcomeAsync(model, id, TimeSpan.FromMinutes(3));
        output.WriteLine(status.ToString());

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        var info = (await runtime.Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}")).Body;
        Assert.Single(info.GetProperty("versions").EnumerateArray());
        Assert.Single(info.GetProperty("aliasHistory").EnumerateArray());
    }

    private static async Task<string> PrepareAsync(HttpClient client, string prefix)
    {
        string model = $"{prefix}-{Guid.NewGuid():N}"[..24];
        await client.UploadDatasetAsync(model, DemoData.ToCsv(DemoData.Generate(Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = model;
        spec["trainer"]!["hyperparameters"] = new JsonObject { ["numberOfTrees"] = 1500, ["numberOfLeaves"] = 64 };
        await client.PutSpecAsync(model, spec.ToJsonString());
        return model;
    }

    private static async Task<List<(string Type, string? Name)>> HistoryAsync(string connection, string hub, string id)
    {
        var history = new TableClient(connection, hub + "History");
        return await Eventually.GetAsync(async () =>
        {
            var found = new List<(string Type, string? Name)>();
            await foreach (var row in history.QueryAsync<TableEntity>(e => e.PartitionKey == id))
            {
                found.Add((row.GetString("EventType"), row.GetString("Name")));
            }

            return found.Any(e => e.Type == "ExecutionCompleted") ? found : null;
        }, TimeSpan.FromSeconds(30), "the orchestration's completion in its history");
    }
}
