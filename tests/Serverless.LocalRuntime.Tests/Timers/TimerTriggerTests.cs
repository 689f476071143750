using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Serverless.LocalRuntime.Timers;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Timers;

public sealed class TimerTriggerTests
{
    [Fact]
    public async Task Timer_TwoInstancesOneHostId_EachOccurrenceFiresOnce()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var every = new Dictionary<string, string> { ["SelfCheckSchedule"] = "*/1 * * * * *" };
        var first = RuntimeSettings.Create(connection, every);
        var shared = new Dictionary<string, string>(every) { ["AzureFunctionsWebHost__hostid"] = first.HostId, ["SelfCheckQueue"] = first.SelfCheckQueue };
        await using var a = await InProcessRuntime.StartAsync(first);
        await using var b = await InProcessRuntime.StartAsync(RuntimeSettings.Create(connection, shared));
        var timersA = a.Services.GetRequiredService<TimerTriggerScheduler>();
        var timersB = b.Services.GetRequiredService<TimerTriggerScheduler>();
        // Counted from here: the first instance may already have fired while the second was starting.
        var started = DateTime.UtcNow;
        long before = timersA.Fired + timersB.Fired;

        await Eventually.GetAsync<object>(() => Task.FromResult<object?>(timersA.Fired + timersB.Fired - before >= 4 ? true : null), TimeSpan.FromSeconds(30), "four firings");
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        long fired = timersA.Fired + timersB.Fired - before;

        // One instance holds the lock and fires; the other never does, and the total is one per second at most.
        Assert.True(timersA.Fired == 0 || timersB.Fired == 0, $"both fired: {timersA.Fired} and {timersB.Fired}");
        Assert.True(fired <= seconds + 2, $"{fired} firings in {seconds:F1} s");
    }

    [Fact]
    public async Task Timer_OccurrenceMissedWhileStopped_FiresAtStartWithIsPastDue()
    {
        string connection = await TestStorage.GetConnectionStringAsync();
        var settings = RuntimeSettings.Create(connection);
        var hosts = new BlobContainerClient(connection, "azure-webjobs-hosts");
        await hosts.CreateIfNotExistsAsync();
        var past = DateTime.UtcNow.AddHours(-1);
        await hosts.GetBlobClient($"timers/{settings.HostId}/ScheduleSelfCheck/status")
            .UploadAsync(BinaryData.FromObjectAsJson(new ScheduleStatus(past.AddHours(-1), past, past)), overwrite: true);

        await using var runtime = await InProcessRuntime.StartAsync(settings);

        // The app marks a check asked for by a past-due timer (TimerInfo.IsPastDue); it is archived under this host's queue.
        string? source = await Eventually.GetAsync(async () =>
            (await SelfCheckReports.ReadAsync(connection, settings.SelfCheckQueue)) is [var report, ..]
                ? report.GetProperty("source").GetString()
                : null,
            TimeSpan.FromSeconds(30), "the past-due occurrence's check");
        Assert.Equal("timer-past-due", source);
        var status = (await hosts.GetBlobClient($"timers/{settings.HostId}/ScheduleSelfCheck/status").DownloadContentAsync()).Value.Content.ToObjectFromJson<ScheduleStatus>();
        Assert.True(status!.Next > DateTime.UtcNow, "the stored status names the next occurrence");
    }
}
