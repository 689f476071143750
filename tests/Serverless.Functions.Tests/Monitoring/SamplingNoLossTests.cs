using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.Demo;
using Serverless.LocalRuntime.Launching;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>
/// Steady load at 100% sampling across a storage outage and a restart of the runtime: every sample is stored or
/// counted as dropped, none is lost silently.
/// </summary>
public sealed class SamplingNoLossTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <remarks>
    /// What is asserted, and why it is all that can honestly be: at 100% every row answered 200 is one sample of the
    /// instance that answered it, so the client's count of answered rows is each instance's <c>sampled</c>. A sample
    /// is stored under its prediction id exactly once however often its message is delivered, so the rows in the model's
    /// partitions are the samples that reached storage. The restart is an orderly one (SIGTERM to the host, which asks
    /// its worker to stop): the shipper then sends what it holds, and what it cannot send it counts as dropped. That
    /// last count dies with the process, so the instance's counters are read just before the restart, with the load
    /// stopped and a partial batch still buffered (a long flush interval holds it); storage is up by then, so the
    /// shutdown sends that batch and nothing more is dropped: a sample missing from storage here would be one lost
    /// silently. (That the shutdown counts as dropped what it cannot send while storage is down is
    /// <c>SampleShipperTests</c>' to show: here the count would die with the process.) A process killed outright
    /// (SIGKILL, out of memory) loses what its in-memory buffer holds, at most <c>Monitoring__BufferCapacity</c>
    /// samples plus a batch; that is the buffer's design, not asserted here.
    /// </remarks>
    [Fact]
    public async Task Predict_SteadyLoadAcrossStorageOutageAndRestart_EverySampleStoredOrCountedAsDropped()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {what}");
        var demo = Task.Run(DemoClassifier.Train);
        await using var azurite = await AzuriteInstance.StartAsync();
        string id = Guid.NewGuid().ToString("N")[..10];
        string table = "noloss" + id;
        var settings = RuntimeSettings.Create(azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Monitoring__SampleRate"] = "1",
            ["Monitoring__SampleTable"] = table,
            ["Monitoring__SampleContainer"] = "noloss-" + id,
            ["Monitoring__BufferCapacity"] = "100",
            ["Monitoring__BatchSize"] = "25",
            ["Monitoring__FlushInterval"] = "00:00:05",
            ["Monitoring__EvaluationSchedule"] = SampleRateTests.SampleNothingByDefaultFixture.NoTimer,
        });
        await using var runtime = await RuntimeProcess.StartAsync(settings);
        Step("runtime started");
        string model = await runtime.Client.RegisterNewAsync("noloss", (await demo).Onnx);

        // Load, with storage down for a few seconds in the middle (stopping Azurite takes some too): the buffer
        // overflows and the overflow is counted.
        var load = Load.Start(runtime.Client, model);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Step("load started");
        await azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Step("storage stopped");
        await azurite.StartAgainAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var beforeRestart = await load.StopAsync();
        Step("storage back, load stopped");
        var afterOutage = await SettledAsync(runtime.Client);
        output.WriteLine($"after the outage: {beforeRestart.Count} rows answered, {load.Failures} requests failed, {afterOutage}");
        Assert.Equal(beforeRestart.Count, afterOutage.Sampled);
        Assert.Equal(afterOutage.Sampled, afterOutage.Sent + afterOutage.Dropped);
        Assert.True(afterOutage.Dropped > 0, $"the outage overflowed nothing: {afterOutage}");

        // More load, stopped just before an orderly restart, and one last 3-row prediction whose samples wait for the
        // flush interval: the last counters of the first instance, with samples still buffered.
        load = Load.Start(runtime.Client, model);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        beforeRestart.AddRange(await load.StopAsync());
        beforeRestart.AddRange(await SamplingTests.PredictAsync(runtime.Client, model, requests: 1, rows: 3));
        var last = await StatisticsAsync(runtime.Client);
        output.WriteLine($"before the restart: {beforeRestart.Count} rows answered, {last}");
        Assert.Equal(beforeRestart.Count, last.Sampled);
        Assert.True(last.Buffered > 0, $"nothing buffered at the restart: {last}");
        Step("restarting");
        runtime.Signal("SIGTERM");
        Step("stopped");
        await runtime.RestartAsync();

        Step("restarted");
        // The new instance starts counting from zero (its first predictions load the model again).
        load = Load.Start(runtime.Client, model);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var afterRestart = await load.StopAsync();
        var second = await SettledAsync(runtime.Client);
        output.WriteLine($"after the restart: {afterRestart.Count} rows answered, {second}");
        Assert.Equal(afterRestart.Count, second.Sampled);
        Assert.Equal(second.Sampled, second.Sent + second.Dropped);

        Step("settled");
        long expected = beforeRestart.Count - last.Dropped + second.Sent;
        var stored = await Eventually.GetAsync(
            async () => await StoredIdsAsync(azurite.ConnectionString, table, model) is { } ids && ids.Count >= expected ? ids : null,
            Timeout, $"{expected} stored samples");
        Step($"stored {stored.Count}");
        Assert.Equal(beforeRestart.Count + afterRestart.Count, stored.Count + last.Dropped + second.Dropped);
        Assert.Subset(beforeRestart.Concat(afterRestart).ToHashSet(), stored);
    }

    private static async Task<Statistics> StatisticsAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/monitoring/sampling", UriKind.Relative));
        return new Statistics(body.GetProperty("sampled").GetInt64(), body.GetProperty("sent").GetInt64(), body.GetProperty("dropped").GetInt64(), body.GetProperty("buffered").GetInt64());
    }

    private static async Task<Statistics> SettledAsync(HttpClient client) =>
        await Eventually.GetAsync(async () => await StatisticsAsync(client) is { Buffered: 0 } settled ? settled : null, Timeout, "the sampling buffer to empty");

    /// <summary>The prediction ids stored in the model's partitions (<c>{model}|{window start}</c>).</summary>
    private static async Task<HashSet<string>> StoredIdsAsync(string connection, string table, string model)
    {
        var client = new TableClient(connection, table);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string from = model + "|";
        string to = model + "}";
        await foreach (var row in client.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(from) >= 0 && e.PartitionKey.CompareTo(to) < 0, select: ["RowKey"]))
        {
            ids.Add(row.RowKey);
        }

        return ids;
    }

    private sealed record Statistics(long Sampled, long Sent, long Dropped, long Buffered);

    /// <summary>One client posting 5-row predictions one after another; keeps the prediction ids of the rows answered 200.</summary>
    private sealed class Load
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _answered = [];
        private Task? _running;

        public int Failures { get; private set; }

        public static Load Start(HttpClient client, string model)
        {
            var load = new Load();
            load._running = Task.Run(() => load.RunAsync(client, model));
            return load;
        }

        public async Task<List<string>> StopAsync()
        {
            await _stop.CancelAsync();
            await _running!;
            _stop.Dispose();
            return _answered;
        }

        private async Task RunAsync(HttpClient client, string model)
        {
            for (int i = 0; !_stop.IsCancellationRequested; i++)
            {
                try
                {
                    var (status, body) = await client.PostJsonAsync($"/models/{model}/predict", SamplingTests.Rows(5, i));
                    if (status == HttpStatusCode.OK)
                    {
                        _answered.AddRange(body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetString()!));
                    }
                    else
                    {
                        Failures++;
                    }
                }
                catch (HttpRequestException)
                {
                    Failures++;
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
