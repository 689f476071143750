using Azure.Data.Tables;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.Functions.Tests.SelfChecks;

public sealed class ScheduleSelfCheckTests(ScheduleSelfCheckTests.EverySecondFixture fixture) : IClassFixture<ScheduleSelfCheckTests.EverySecondFixture>
{
    [Fact]
    public async Task ScheduleSelfCheck_ScheduleEverySecond_TimerChecksRunThroughTheQueueAndAreRecorded()
    {
        var since = DateTimeOffset.UtcNow;
        var table = new TableClient(fixture.ConnectionString, StorageNames.SelfCheckTable);

        int? count = await Eventually.GetAsync<int?>(async () =>
        {
            int found = 0;
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.RowKey == "report" && e.Timestamp >= since))
            {
                if (row.GetString("Source") == "timer" && row.GetBoolean("Healthy") == true)
                {
                    found++;
                }
            }

            return found >= 2 ? found : null;
        }, TimeSpan.FromSeconds(30), "two timer-triggered self-checks to be recorded");

        Assert.True(count >= 2, $"{count} timer checks");
    }

    public sealed class EverySecondFixture : LocalRuntimeFixture
    {
        protected override IReadOnlyDictionary<string, string>? SettingOverrides { get; } =
            new Dictionary<string, string> { ["SelfCheckSchedule"] = "*/1 * * * * *" };
    }
}
