using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Trainers;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>
/// The $20,000 story through the local runtime: two models serve traffic; one gets a misbehaving version promoted by
/// hand; the monitoring timer sees its predictions leave their baseline and the guardrail rolls back that model alone.
/// </summary>
public sealed class GuardrailTests(GuardrailTests.FastMonitoringFixture fixture) : IClassFixture<GuardrailTests.FastMonitoringFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>A runtime sampling everything into 10-second windows, evaluated every 2 seconds once 2 seconds past their end.</summary>
    public sealed class FastMonitoringFixture : LocalRuntimeFixture
    {
        private readonly string _id = Guid.NewGuid().ToString("N")[..10];

        public string SampleTable => "samples" + _id;

        protected override IReadOnlyDictionary<string, string>? SettingOverrides => new Dictionary<string, string>
        {
            ["Monitoring__SampleRate"] = "1",
            ["Monitoring__FlushInterval"] = "00:00:00.200",
            ["Monitoring__SampleTable"] = SampleTable,
            ["Monitoring__SampleContainer"] = "samples-" + _id,
            ["Monitoring__WindowLength"] = "00:00:10",
            ["Monitoring__EvaluationDelay"] = "00:00:02",
            ["Monitoring__EvaluationSchedule"] = "*/2 * * * * *",
            ["Monitoring__MinimumSamples"] = "30",
            ["Monitoring__GuardrailWindows"] = "2",
        };
    }

    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task Guardrail_MisbehavingVersionPromoted_RollsBackThatModelAloneWithEvidence()
    {
        string guarded = await TrainAndPromoteAsync("guarded");
        string steady = await TrainAndPromoteAsync("steady");
        int good = await ProductionAsync(guarded);
        int steadyVersion = await ProductionAsync(steady);

        // Someone promotes by hand a version trained on inverted labels: it approves whom it should refuse.
        int bad = await Client.RegisterAsync(guarded, InvertedModel());

        var servedByBad = new List<string>();
        var rows = DemoData.Generate(20_000, seed: 7);
        int next = 0;
        var started = DateTimeOffset.UtcNow;
        while (await ProductionAsync(guarded) == bad)
        {
            Assert.True(DateTimeOffset.UtcNow - started < Deadline, $"The guardrail did not roll '{guarded}' back within {Deadline}.");
            for (int i = 0; i < 5; i++, next += 10)
            {
                foreach (var (id, version) in await PredictAsync(guarded, rows.Skip(next % 19_990).Take(10)))
                {
                    if (version == bad)
                    {
                        servedByBad.Add(id);
                    }
                }

                await PredictAsync(steady, rows.Skip((next + 5000) % 19_990).Take(10));
            }
        }

        Assert.Equal(good, await ProductionAsync(guarded));
        Assert.Equal(steadyVersion, await ProductionAsync(steady));

        var model = await GetAsync($"/models/{guarded}");
        var rollback = model.GetProperty("aliasHistory").EnumerateArray().Last();
        Assert.Equal("rollback", rollback.GetProperty("kind").GetString());
        Assert.Equal("monitoring guardrail", rollback.GetProperty("changedBy").GetString());

        var monitoring = await GetAsync($"/models/{guarded}/monitoring");
        var action = Assert.Single(monitoring.GetProperty("guardrailActions").EnumerateArray());
        Assert.Equal("guardrail-rollback", action.GetProperty("kind").GetString());
        Assert.Equal(bad, action.GetProperty("version").GetInt32());
        string evidence = action.GetProperty("evidence").GetString()!;
        Assert.Contains($"Model '{guarded}'", evidence, StringComparison.Ordinal);
        Assert.Contains($"from version {bad} to version {good}", evidence, StringComparison.Ordinal);
        Assert.Contains(monitoring.GetProperty("alerts").EnumerateArray(), a =>
            a.GetProperty("version").GetInt32() == bad && a.GetProperty("kind").GetString() is "prediction-drift" or "control-limit");
        Assert.Contains(monitoring.GetProperty("series").EnumerateArray(), s =>
            s.GetProperty("version").GetInt32() == bad && s.GetProperty("chart").GetString() == "positive-rate");

        // The other model: still on its version, never rolled back, no guardrail action.
        var other = await GetAsync($"/models/{steady}");
        Assert.DoesNotContain(other.GetProperty("aliasHistory").EnumerateArray(), m => m.GetProperty("kind").GetString() == "rollback");
        Assert.Empty((await GetAsync($"/models/{steady}/monitoring")).GetProperty("guardrailActions").EnumerateArray());

        // Every prediction of the bad period names the bad version, and so does its stored sample.
        Assert.NotEmpty(servedByBad);
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(fixture.SampleTable);
        foreach (string id in servedByBad.Take(50))
        {
            var sample = await Eventually.GetAsync(async () =>
            {
                var found = table.QueryAsync<TableEntity>(e => e.RowKey == id);
                await foreach (var row in found)
                {
                    return row;
                }

                return null;
            }, TimeSpan.FromSeconds(30), $"the sample of prediction {id}");
            Assert.Equal(bad, sample.GetInt32("Version"));
            Assert.Equal(guarded, sample.GetString("Model"));
        }
    }

    private async Task<string> TrainAndPromoteAsync(string prefix)
    {
        string model = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        string dataset = model + "-data";
        await Client.UploadDatasetAsync(dataset, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        await Client.PutSpecAsync(model, spec.ToJsonString());
        string id = await Client.StartRetrainingAsync(model);
        var status = await Client.WaitForOutcomeAsync(model, id);
        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        return model;
    }

    private static byte[] InvertedModel()
    {
        var rows = DemoData.Generate(DemoSetup.Rows).Select(r => r with { Approved = !r.Approved }).ToList();
        var (train, _) = HoldoutSplit.Split(DemoData.ToTable(rows), 0.2, DemoData.Seed);
        return new ModelTrainer().Train(train, DemoSpec.Spec, CancellationToken.None).Onnx;
    }

    private async Task<List<(string Id, int Version)>> PredictAsync(string model, IEnumerable<LoanRow> rows)
    {
        string body = JsonSerializer.Serialize(new
        {
            rows = rows.Select(r => new Dictionary<string, object>
            {
                ["income"] = r.Income,
                ["debt_ratio"] = r.DebtRatio,
                ["years_employed"] = r.YearsEmployed,
                ["late_payments"] = r.LatePayments,
                ["employment"] = r.Employment,
            }),
        });
        var (status, answer) = await Client.PostJsonAsync($"/models/{model}/predict", body);
        Assert.Equal(HttpStatusCode.OK, status);
        int version = int.Parse(answer.GetProperty("model_version").GetString()!, CultureInfo.InvariantCulture);
        return [.. answer.GetProperty("predictions").EnumerateArray().Select(p => (p.GetProperty("prediction_id").GetString()!, version))];
    }

    private async Task<int> ProductionAsync(string model) =>
        (await GetAsync($"/models/{model}")).GetProperty("aliases").GetProperty("production").GetInt32();

    private async Task<JsonElement> GetAsync(string path)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body}");
        return body;
    }
}
