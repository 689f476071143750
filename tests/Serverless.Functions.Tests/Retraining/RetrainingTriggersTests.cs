using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Retraining;

/// <summary>The line started by a spec's schedule, run on data in another shape, and judging a candidate trained elsewhere.</summary>
public sealed class RetrainingTriggersTests(RetrainingTriggersTests.ScheduleFixture fixture) : IClassFixture<RetrainingTriggersTests.ScheduleFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Fact]
    public async Task RetrainOnSchedule_SpecWithSchedule_TimerStartsARetrainingThatPromotes()
    {
        string model = Unique("scheduled");
        await Client.UploadDatasetAsync(model, DemoData.ToCsv(DemoData.Generate(2000)));
        var spec = DemoSpecFor(model);
        spec["schedule"] = "*/5 * * * * *";
        await Client.PutSpecAsync(model, spec.ToJsonString());

        var run = await Eventually.GetAsync<JsonElement?>(async () =>
        {
            var (_, list) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/retrainings");
            return list.GetProperty("retrainings").GetArrayLength() > 0 ? list.GetProperty("retrainings")[0] : null;
        }, TimeSpan.FromSeconds(40), "the scheduled retraining to start");

        Assert.Equal("schedule", run!.Value.GetProperty("trigger").GetString());
        var status = await Client.WaitForOutcomeAsync(model, run.Value.GetProperty("instanceId").GetString()!);
        Assert.Equal("promoted", status.GetProperty("outcome").GetString());

        // A new spec version without the schedule stops it.
        spec.Remove("schedule");
        await Client.PutSpecAsync(model, spec.ToJsonString());
    }

    [Fact]
    public async Task StartRetraining_CodedCsvWithSemicolonsAndNumericLabels_PromotesFromASpecAlone()
    {
        // The demo rows as another team's export would have them: other names, ';', categories as codes, the label as 1/2, '?' for missing.
        string model = Unique("coded");
        var rows = DemoData.Generate(3000);
        var csv = new StringBuilder("inc;dti;tenure;late;emp_code;sex_code;outcome\n");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            string tenure = i % 50 == 0 ? "?" : r.YearsEmployed.ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Income:0.##};{r.DebtRatio:0.###};{tenure};{r.LatePayments};{Array.IndexOf(["salaried", "self-employed", "contract"], r.Employment) + 1};{(r.Gender == "female" ? 1 : 2)};{(r.Approved ? 2 : 1)}\n");
        }

        await Client.UploadDatasetAsync(model, csv.ToString());
        string spec = """
            {"task": "binary",
             "data": {"dataset": "MODEL", "separator": ";",
                      "features": [{"name": "inc", "type": "numeric"}, {"name": "dti", "type": "numeric"}, {"name": "tenure", "type": "numeric"},
                                   {"name": "late", "type": "numeric"}, {"name": "emp_code", "type": "categorical"}],
                      "label": {"name": "outcome", "positive": 2}, "protected": [{"name": "sex_code"}]},
             "trainer": {"name": "lightgbm", "seed": 7},
             "gates": {"minimum": {"auc": 0.85}}}
            """.Replace("MODEL", model, StringComparison.Ordinal);
        await Client.PutSpecAsync(model, spec);

        var status = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model));

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        var (_, prediction) = await Client.PostJsonAsync($"/models/{model}/predict",
            """{"rows": [{"inc": 85, "dti": 0.2, "tenure": 6, "late": 0, "emp_code": "1"}, {"inc": 30, "dti": 0.7, "tenure": 1, "late": 3, "emp_code": "3"}]}""");
        Assert.Equal(2, prediction.GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task StartRetraining_ExternalTrainer_JudgesTheUploadedVersionAndPromotesIt()
    {
        string model = Unique("external");
        await Client.UploadDatasetAsync(model, DemoData.ToCsv(DemoData.Generate(DemoSetup.Rows)));
        var spec = DemoSpecFor(model);
        spec["trainer"] = new JsonObject { ["name"] = "external" };
        await Client.PutSpecAsync(model, spec.ToJsonString());
        int uploaded = await Client.RegisterAsync(model, DemoClassifier.Train().Onnx, production: false);

        var status = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model));

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        Assert.Equal(uploaded, status.GetProperty("candidateVersion").GetInt32());
        var (_, info) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}");
        Assert.Single(info.GetProperty("versions").EnumerateArray());
        Assert.Equal(uploaded, info.GetProperty("aliases").GetProperty("production").GetInt32());

        // The same version again is production already: nothing new to judge.
        var again = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model));
        Assert.Equal("failed", again.GetProperty("outcome").GetString());
        Assert.Contains("already production", again.GetProperty("reason").GetString());
    }

    private static JsonObject DemoSpecFor(string dataset)
    {
        var spec = JsonNode.Parse(DemoSpec.Json)!.AsObject();
        spec["data"]!["dataset"] = dataset;
        return spec;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>A runtime that checks schedules every second, over its own spec table so no other test's spec is scheduled.</summary>
    public sealed class ScheduleFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } = new Dictionary<string, string>
        {
            ["Retraining__ScheduleCheck"] = "*/1 * * * * *",
            ["Training__SpecTable"] = "specs" + Guid.NewGuid().ToString("N")[..12],
        };
    }
}
