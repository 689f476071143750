using System.Text.Json;
using Azure.Storage.Blobs;
using Serverless.Testing;

namespace Serverless.Functions.Tests.SelfChecks;

public sealed class ScheduleSelfCheckTests(ScheduleSelfCheckTests.EverySecondFixture fixture) : IClassFixture<ScheduleSelfCheckTests.EverySecondFixture>
{
    [Fact]
    public async Task ScheduleSelfCheck_ScheduleEverySecond_TimerChecksRunThroughTheQueueAndAreArchived()
    {
        // The timer's queue output goes to this runtime's own queue, and the queued check archives its report under that
        // queue's name (a blob output): each blob here is a timer firing of this runtime that went through both bindings.
        var reports = new BlobContainerClient(fixture.ConnectionString, "selfcheck-reports");
        string prefix = fixture.Runtime.Settings.SelfCheckQueue + "/";

        var found = await Eventually.GetAsync<List<JsonElement>?>(async () =>
        {
            if (!await reports.ExistsAsync())
            {
                return null;
            }

            var healthy = new List<JsonElement>();
            await foreach (var blob in reports.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
            {
                var report = (await reports.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToObjectFromJson<JsonElement>();
                if (report.GetProperty("source").GetString() == "timer" && report.GetProperty("healthy").GetBoolean())
                {
                    healthy.Add(report);
                }
            }

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
