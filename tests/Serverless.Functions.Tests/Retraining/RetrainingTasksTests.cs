using System.Net;
using Serverless.Demo;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Retraining;

/// <summary>The line for the other tasks: regression and multiclass classification, from a spec alone.</summary>
public sealed class RetrainingTasksTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    private HttpClient Client => fixture.Runtime.Client;

    [Theory]
    [InlineData("regression", "income", "rmse", "r2")]
    [InlineData("multiclass", "employment", "macroF1", "accuracy")]
    public async Task StartRetraining_OtherTask_PromotesWithTheTasksMetrics(string task, string label, string primary, string other)
    {
        string model = $"{task}-{Guid.NewGuid():N}"[..24];
        await Client.UploadDatasetAsync(model, DemoData.ToCsv(DemoData.Generate(2000)));
        string[] numeric = ["income", "debt_ratio", "years_employed", "late_payments"];
        string features = string.Join(", ", numeric.Where(f => f != label).Select(f => $$"""{"name": "{{f}}", "type": "numeric"}""")
            .Append(label == "employment" ? """{"name": "approved", "type": "categorical"}""" : """{"name": "employment", "type": "categorical"}"""));
        await Client.PutSpecAsync(model, $$$"""
            {"task": "{{{task}}}", "data": {"dataset": "{{{model}}}", "features": [{{{features}}}], "label": {"name": "{{{label}}}"}},
             "trainer": {"name": "lightgbm"} }
            """);

        var status = await Client.WaitForOutcomeAsync(model, await Client.StartRetrainingAsync(model));

        Assert.Equal("promoted", status.GetProperty("outcome").GetString());
        int version = status.GetProperty("candidateVersion").GetInt32();
        var (got, lineage) = await Client.SendJsonAsync(HttpMethod.Get, $"/models/{model}/versions/{version}/lineage");
        Assert.Equal(HttpStatusCode.OK, got);
        var metrics = lineage.GetProperty("review").GetProperty("candidate").GetProperty("metrics");
        Assert.True(metrics.TryGetProperty(primary, out _), $"no {primary} in {metrics}");
        Assert.True(metrics.TryGetProperty(other, out _), $"no {other} in {metrics}");
        Assert.Contains(lineage.GetProperty("review").GetProperty("gates").GetProperty("results").EnumerateArray(),
            r => r.GetProperty("gate").GetString()!.StartsWith("regression", StringComparison.Ordinal));
    }
}
