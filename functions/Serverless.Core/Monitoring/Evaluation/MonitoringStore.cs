using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// The monitoring table (<see cref="MonitoringOptions.EvaluationTable"/>): the windows waiting for evaluation (partition
/// <c>pending</c>, row <c>{model}|{windowStart}</c>), and per model (partition = model name) its window evaluations
/// (<c>window-{inverted ticks}</c>, newest first, doubling as the claim that makes a window evaluated once) and its
/// alerts (<c>alert-{inverted ticks}-...</c>, written with ids derived from the finding, so writing again changes nothing).
/// </summary>
public sealed class MonitoringStore
{
    private const string PendingPartition = "pending";
    private const string Running = "running";
    private const string Done = "done";

    // A claim older than this was left by an evaluation that died; another may take the window over.
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private bool _created;

    /// <summary>Uses the app's table storage.</summary>
    public MonitoringStore(TableServiceClient tables, IOptions<MonitoringOptions> options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.EvaluationTable);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Marks windows as holding samples, so that the evaluator finds them once they close.</summary>
    public async Task MarkPendingAsync(IEnumerable<SampleWindow> windows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        await EnsureCreatedAsync(cancellationToken);
        foreach (var window in windows.Distinct())
        {
            await _table.UpsertEntityAsync(
                new TableEntity(PendingPartition, PendingRow(window)) { ["Model"] = window.Model, ["WindowStart"] = window.Start },
                TableUpdateMode.Replace,
                cancellationToken);
        }
    }

    /// <summary>Every window waiting for evaluation, by model and start.</summary>
    public async Task<IReadOnlyList<SampleWindow>> ListPendingAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var pending = new List<SampleWindow>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == PendingPartition, select: ["Model", "WindowStart"], cancellationToken: cancellationToken))
        {
            pending.Add(new SampleWindow(row.GetString("Model"), row.GetDateTimeOffset("WindowStart") ?? default));
        }

        return pending;
    }

    /// <summary>The model's windows waiting for evaluation.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> ListPendingAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        string from = model + "|";
        string to = model + "}";
        var pending = new List<DateTimeOffset>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == PendingPartition && e.RowKey.CompareTo(from) > 0 && e.RowKey.CompareTo(to) < 0, select: ["WindowStart"], cancellationToken: cancellationToken))
        {
            pending.Add(row.GetDateTimeOffset("WindowStart") ?? default);
        }

        return pending;
    }

    /// <summary>Removes a window from the waiting list.</summary>
    public async Task RemovePendingAsync(SampleWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await _table.DeleteEntityAsync(PendingPartition, PendingRow(window), ETag.All, cancellationToken);
    }

    /// <summary>
    /// Claims a window for evaluation: the first claim wins; a window already evaluated, or claimed less than the lease
    /// ago, is not claimed again.
    /// </summary>
    internal async Task<WindowClaim> TryClaimAsync(SampleWindow window, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var now = _clock.GetUtcNow();
        var claim = new TableEntity(window.Model, WindowRow(window.Start)) { ["State"] = Running, ["ClaimedAt"] = now, ["WindowStart"] = window.Start };
        try
        {
            var added = await _table.AddEntityAsync(claim, cancellationToken);
            return new WindowClaim(added.Headers.ETag, false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = (await _table.GetEntityAsync<TableEntity>(window.Model, WindowRow(window.Start), cancellationToken: cancellationToken)).Value;
            if (existing.GetString("State") == Done)
            {
                return WindowClaim.AlreadyDone;
            }

            if (existing.GetDateTimeOffset("ClaimedAt") is { } claimedAt && now - claimedAt < ClaimLease)
            {
                return WindowClaim.Busy;
            }

            try
            {
                var taken = await _table.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return new WindowClaim(taken.Headers.ETag, false);
            }
            catch (RequestFailedException race) when (race.Status == 412)
            {
                return WindowClaim.Busy;
            }
        }
    }

    /// <summary>Stores the window's evaluation under the claim; false when the claim was lost (another evaluation took the window over).</summary>
    internal async Task<bool> CompleteAsync(WindowEvaluation evaluation, ETag claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var charts = evaluation.Versions.SelectMany(v => v.Charts).ToList();
        var outcomes = evaluation.Versions.Select(v => new VersionOutcome(v.Version, v.Assessed, v.Breached, v.Shadow)).ToList();
        var row = new TableEntity(evaluation.Model, WindowRow(evaluation.WindowStart))
        {
            ["State"] = Done,
            ["WindowStart"] = evaluation.WindowStart,
            ["EvaluatedAt"] = evaluation.EvaluatedAt,
            ["Samples"] = evaluation.Samples,
            ["Alerts"] = evaluation.Alerts.Count,
            ["Charts"] = JsonSerializer.Serialize(charts, MonitoringJson.Default.ListControlChartPoint),
            ["Outcomes"] = JsonSerializer.Serialize(outcomes, MonitoringJson.Default.ListVersionOutcome),
            ["Result"] = Compress(JsonSerializer.SerializeToUtf8Bytes(evaluation, MonitoringJson.Default.WindowEvaluation)),
        };
        try
        {
            await _table.UpdateEntityAsync(row, claim, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>The charts and version outcomes of the model's evaluated windows before <paramref name="before"/>, at most <paramref name="count"/>, oldest first.</summary>
    internal async Task<IReadOnlyList<WindowSummary>> HistoryAsync(string model, DateTimeOffset before, int count, CancellationToken cancellationToken)
    {
        var summaries = new List<WindowSummary>();
        string from = WindowRow(before);
        await foreach (var row in _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == model && e.RowKey.CompareTo(from) > 0 && e.RowKey.CompareTo("window.") < 0,
            maxPerPage: count, select: ["State", "WindowStart", "Charts", "Outcomes"], cancellationToken: cancellationToken))
        {
            if (row.GetString("State") != Done)
            {
                continue;
            }

            summaries.Add(new WindowSummary(
                row.GetDateTimeOffset("WindowStart") ?? default,
                JsonSerializer.Deserialize(row.GetString("Charts") ?? "[]", MonitoringJson.Default.ListControlChartPoint)!,
                JsonSerializer.Deserialize(row.GetString("Outcomes") ?? "[]", MonitoringJson.Default.ListVersionOutcome)!));
            if (summaries.Count == count)
            {
                break;
            }
        }

        summaries.Reverse();
        return summaries;
    }

    /// <summary>The model's latest evaluated windows, newest first.</summary>
    public async Task<IReadOnlyList<WindowEvaluation>> RecentAsync(string model, int count, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var windows = new List<WindowEvaluation>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == model && e.RowKey.CompareTo("window-") > 0 && e.RowKey.CompareTo("window.") < 0,
            maxPerPage: count, select: ["State", "Result"], cancellationToken: cancellationToken))
        {
            if (row.GetString("State") == Done && row.GetBinary("Result") is { } result)
            {
                windows.Add(JsonSerializer.Deserialize(Decompress(result), MonitoringJson.Default.WindowEvaluation)!);
                if (windows.Count == count)
                {
                    break;
                }
            }
        }

        return windows;
    }

    /// <summary>Records alerts; an alert recorded before (same id) is written over with the same content.</summary>
    public async Task PutAlertsAsync(IReadOnlyList<MonitoringAlert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        await EnsureCreatedAsync(cancellationToken);
        // One transaction per model and hundred alerts: a window's alerts share its model's partition.
        foreach (var model in alerts.GroupBy(a => a.Model, StringComparer.Ordinal))
        {
            foreach (var chunk in model.Chunk(100))
            {
                await _table.SubmitTransactionAsync(
                    chunk.Select(alert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(alert.Model, AlertRow(alert))
                    {
                        ["Kind"] = alert.Kind,
                        ["Alert"] = JsonSerializer.Serialize(alert, MonitoringJson.Default.MonitoringAlert),
                    })),
                    cancellationToken);
            }
        }
    }

    /// <summary>The model's latest alerts (of the given kinds, or all), newest window first.</summary>
    public async Task<IReadOnlyList<MonitoringAlert>> RecentAlertsAsync(string model, int count, IReadOnlyCollection<string>? kinds, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var alerts = new List<MonitoringAlert>();
        await foreach (var row in _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == model && e.RowKey.CompareTo("alert-") > 0 && e.RowKey.CompareTo("alert.") < 0, select: ["Kind", "Alert"], cancellationToken: cancellationToken))
        {
            if (kinds is null || kinds.Contains(row.GetString("Kind")))
            {
                alerts.Add(JsonSerializer.Deserialize(row.GetString("Alert"), MonitoringJson.Default.MonitoringAlert)!);
                if (alerts.Count == count)
                {
                    break;
                }
            }
        }

        return alerts;
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }

    private static string PendingRow(SampleWindow window) =>
        string.Create(CultureInfo.InvariantCulture, $"{window.Model}|{window.Start.UtcDateTime:yyyyMMddTHHmmss}");

    // Inverted, so that a partition query reads the newest window first.
    private static string Inverted(DateTimeOffset start) =>
        (DateTime.MaxValue.Ticks - start.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static string WindowRow(DateTimeOffset start) => "window-" + Inverted(start);

    private static string AlertRow(MonitoringAlert alert) =>
        string.Create(CultureInfo.InvariantCulture, $"alert-{Inverted(alert.WindowStart)}-v{alert.Version:D10}{(alert.Shadow ? "-shadow" : string.Empty)}-{alert.Kind}-{Clean(alert.Subject)}");

    // Characters a row key may not hold.
    private static string Clean(string text) =>
        string.Concat(text.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
