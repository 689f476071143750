using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Functions.Tests.SelfChecks;

public sealed class ScheduleSelfCheckTests(ScheduleSelfCheckTests.EverySecondFixture fixture) : IClassFixture<ScheduleSelfCheckTests.EverySecondFixture>
{
    [Fact]
    public async Task ScheduleSelfCheck_ScheduleEverySecond_TimerChecksRunThroughTheQueueAndAreArchived()
    {
        // The timer's queue output goes to this runtime's own queue, and the queued check archives its report under that
        // queue's name (a blob output): each report here is a timer firing of this runtime that went through both bindings.
        var found = await Eventually.GetAsync<List<JsonElement>?>(async () =>
        {
            var healthy = (await SelfCheckReports.ReadAsync(fixture.ConnectionString, fixture.Runtime.Settings.SelfCheckQueue))
                .Where(r => r.GetProperty("source").GetString() == "timer" && r.GetProperty("healthy").GetBoolean())
                .ToList();
            return healthy.Count >= 2 ? healthy : null;
        }, TimeSpan.FromSeconds(30), "two timer-triggered self-checks to be archived");

        Assert.True(found!.Count >= 2);
        Assert.Equal(found.Count, found.Select(r => r.GetProperty("checkId").GetString()).Distinct().Count());
    }

    public sealed class EverySecondFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } =
            new Dictionary<string, string> { ["SelfCheckSchedule"] = "*/1 * * * * *" };
    }
}
