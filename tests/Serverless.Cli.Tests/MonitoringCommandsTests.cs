namespace Serverless.Cli.Tests;

public sealed class MonitoringCommandsTests
{
    private const string Path = "/models/loan-approval/monitoring";

    [Fact]
    public async Task Monitoring_DriftedModel_PrintsWindowsDriftTestsChartsAlertsAndGuardrail()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", Path, 200, CannedMonitoring.View);

        CliResult result = await Cli.RunAsync(platform, "monitoring", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(platform.RequestsTo("GET", Path));
        string output = result.Stdout;
        Assert.Contains("guardrail rollback after 3 breached windows in a row", output, StringComparison.Ordinal);
        Assert.Matches(@"Pending windows\s+none", output);
        // The windows, newest first, with the drifted feature and its tiny p-value readable.
        Assert.Matches(@"2026-11-27 13:04:00Z\s*│\s*1\s*│\s*422\s*│\s*200\s*│\s*income \(psi 0\.7464, ks p 4\.6E-42\)\s*│\s*prediction \(ks p 3\.7E-17\)\s*│\s*accuracy=0\.82, errorRate=0\.18, auc=0\.9502\s*│\s*yes", output);
        Assert.True(output.IndexOf("2026-11-27 13:04:00Z", StringComparison.Ordinal) < output.IndexOf("2026-11-27 13:03:00Z", StringComparison.Ordinal));
        // Every feature's tests in the newest window: the shifted one drifted, the others did not.
        Assert.Contains("Drift tests, window 2026-11-27 13:04:00Z, version 1", output, StringComparison.Ordinal);
        Assert.Matches(@"│\s*income\s*│\s*psi\s*│\s*0\.7464\s*│\s*│\s*0\.25\s*│\s*DRIFT\s*│\s*422\s*│", output);
        Assert.Matches(@"│\s*debt_ratio\s*│\s*ks\s*│[^│]*│[^│]*│\s*0\.01\s*│\s*│\s*422\s*│", output);
        Assert.Matches(@"│\s*employment\s*│\s*chi-square\s*│", output);
        // A chart point: value, centre line, limits, count and the rule it broke.
        Assert.Matches(@"│\s*prediction-mean\s*│\s*1\s*│\s*2026-11-27 13:04:00Z\s*│\s*0\.6915\s*│\s*0\.5144\s*│\s*0\.4499\s*│\s*0\.5789\s*│\s*422\s*│\s*prediction-mean 0\.6915 over 422 values", output);
        Assert.Matches(@"│\s*error-rate\s*│\s*1\s*│\s*2026-11-27 13:03:00Z\s*│\s*0\.1576\s*│\s*0\.074\s*│", output);
        Assert.Matches(@"│\s*2026-11-27 13:04:00Z\s*│\s*1\s*│\s*data-drift\s*│\s*warning\s*│\s*income\s*│\s*0\.7464\s*│\s*0\.25\s*│", output);
        Assert.Matches(@"Guardrail actions\s*\r?\n[^\n]*\n[^\n]*\n[^\n]*\n\s*│\s*2026-11-27 13:04:00Z\s*│\s*1\s*│\s*guardrail-held\s*│\s*critical\s*│\s*production", output);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Monitoring_NothingEvaluatedYet_SaysSoAndListsThePendingWindows()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", Path, 200, CannedMonitoring.Pending);

        CliResult result = await Cli.RunAsync(platform, "monitoring", "loan-approval");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Pending windows     2: 2026-11-27 13:05:00Z, 2026-11-27 13:06:00Z", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No evaluated windows yet", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Control charts", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Alerts\s*\r?\nNone\.", result.Stdout);
    }

    [Fact]
    public async Task Monitoring_EvaluateAndWindows_EvaluatesFirstThenAsksForThatManyWindows()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("POST", "/monitoring/evaluate", 200, CannedMonitoring.EvaluationRun);
        platform.On("GET", Path + "?windows=2", 200, CannedMonitoring.View);

        CliResult result = await Cli.RunAsync(platform, "monitoring", "loan-approval", "--windows", "2", "--evaluate");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["POST /monitoring/evaluate", "GET " + Path + "?windows=2"], platform.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.StartsWith("Evaluated 1 windows (1 still open or waiting, 0 skipped, 0 failed); 6 alerts, 0 rollbacks.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitoring_Json_PrintsTheBodyAsSent()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", Path, 200, CannedMonitoring.View);

        CliResult result = await Cli.RunAsync(platform, "monitoring", "loan-approval", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(CannedMonitoring.View, result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Monitoring_RefusedWindows_Exits2WithThePlatformsMessage()
    {
        await using var platform = await FakePlatform.StartAsync();
        platform.On("GET", Path + "?windows=0", 400, """{"error":"'windows' must be a whole number from 1 to 1000, not '0'."}""");

        CliResult result = await Cli.RunAsync(platform, "monitoring", "loan-approval", "--windows", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("'windows' must be a whole number from 1 to 1000, not '0'.", result.Stderr.TrimEnd());
        Assert.Empty(result.Stdout);
    }
}
