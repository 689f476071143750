using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Serverless.Core.Storage;

namespace Serverless.Core.SelfChecks;

/// <summary>
/// A real, small job that every trigger kind can run: writes to blob and table storage, reads it back, and records the
/// outcome exactly once per check.
/// </summary>
public sealed class SelfCheckService
{
    private const string ReportRowKey = "report";
    private readonly BlobContainerClient _container;
    private readonly TableClient _table;
    private readonly TimeProvider _clock;
    private volatile bool _provisioned;

    /// <summary>Creates the service over the platform's storage clients.</summary>
    public SelfCheckService(BlobServiceClient blobs, TableServiceClient tables, TimeProvider clock)
    {
        _container = blobs.GetBlobContainerClient(StorageNames.SelfCheckContainer);
        _table = tables.GetTableClient(StorageNames.SelfCheckTable);
        _clock = clock;
    }

    /// <summary>Runs every probe and records the outcome.</summary>
    public async Task<SelfCheckReport> RunAsync(SelfCheckRequest request, CancellationToken cancellationToken)
    {
        var blob = await ProbeBlobAsync(request.CheckId, cancellationToken);
        var table = await ProbeTableAsync(request.CheckId, cancellationToken);
        return await RecordAsync(request, [blob, table], cancellationToken);
    }

    /// <summary>Writes a blob, reads it back and compares, then deletes it.</summary>
    public Task<ProbeResult> ProbeBlobAsync(string checkId, CancellationToken cancellationToken) =>
        ProbeAsync("blob", async ct =>
        {
            var blob = _container.GetBlobClient($"{checkId}/probe-{Guid.NewGuid():N}.bin");
            byte[] payload = Guid.NewGuid().ToByteArray();
            await blob.UploadAsync(BinaryData.FromBytes(payload), overwrite: true, ct);
            var read = await blob.DownloadContentAsync(ct);
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            return read.Value.Content.ToArray().AsSpan().SequenceEqual(payload) ? null : "blob content read back differs from what was written";
        }, cancellationToken);

    /// <summary>Writes a table entity, reads it back and compares, then deletes it.</summary>
    public Task<ProbeResult> ProbeTableAsync(string checkId, CancellationToken cancellationToken) =>
        ProbeAsync("table", async ct =>
        {
            string rowKey = $"probe-{Guid.NewGuid():N}";
            string value = Guid.NewGuid().ToString("N");
            await _table.AddEntityAsync(new TableEntity(checkId, rowKey) { ["Value"] = value }, ct);
            var read = await _table.GetEntityAsync<TableEntity>(checkId, rowKey, cancellationToken: ct);
            await _table.DeleteEntityAsync(checkId, rowKey, ETag.All, ct);
            return read.Value.GetString("Value") == value ? null : "table entity read back differs from what was written";
        }, cancellationToken);

    /// <summary>
    /// Records the outcome once: a repeated call for the same check (a retried message or activity) returns the
    /// report already recorded instead of writing a second one.
    /// </summary>
    public async Task<SelfCheckReport> RecordAsync(SelfCheckRequest request, IReadOnlyList<ProbeResult> probes, CancellationToken cancellationToken)
    {
        var report = new SelfCheckReport(request.CheckId, request.Source, probes.All(p => p.Ok), probes, _clock.GetUtcNow());
        try
        {
            await WithProvisioningAsync(ct => _table.AddEntityAsync(ToEntity(report), ct), cancellationToken);
            return report;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await GetReportAsync(request.CheckId, cancellationToken)
                ?? throw new InvalidOperationException($"Self-check {request.CheckId} conflicted but has no report.", ex);
        }
    }

    /// <summary>The recorded outcome of a check, or null when none is recorded.</summary>
    public async Task<SelfCheckReport?> GetReportAsync(string checkId, CancellationToken cancellationToken)
    {
        var entity = await WithProvisioningAsync(ct => _table.GetEntityIfExistsAsync<TableEntity>(checkId, ReportRowKey, cancellationToken: ct), cancellationToken);
        return entity.HasValue && entity.Value is { } e ? FromEntity(e) : null;
    }

    private async Task<ProbeResult> ProbeAsync(string service, Func<CancellationToken, Task<string?>> probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            string? error = await WithProvisioningAsync(probe, cancellationToken);
            return new ProbeResult(service, error is null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);
        }
        catch (RequestFailedException ex)
        {
            return new ProbeResult(service, false, Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"{ex.Status} {ex.ErrorCode}");
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> once the container and table exist; if one has gone missing since
    /// (deleted, or lost by an emulator that crashed), creates them again and retries once.
    /// </summary>
    private async Task<T> WithProvisioningAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await EnsureProvisionedAsync(cancellationToken);
        try
        {
            return await operation(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode is "TableNotFound" or "ContainerNotFound")
        {
            _provisioned = false;
            await EnsureProvisionedAsync(cancellationToken);
            return await operation(cancellationToken);
        }
    }

    private async Task EnsureProvisionedAsync(CancellationToken cancellationToken)
    {
        if (_provisioned)
        {
            return;
        }

        await Task.WhenAll(
            _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _table.CreateIfNotExistsAsync(cancellationToken));
        _provisioned = true;
    }

    private static TableEntity ToEntity(SelfCheckReport report) => new(report.CheckId, ReportRowKey)
    {
        ["Source"] = report.Source,
        ["Healthy"] = report.Healthy,
        ["Probes"] = JsonSerializer.Serialize(report.Probes),
        ["CompletedAt"] = report.CompletedAt,
    };

    private static SelfCheckReport FromEntity(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetString("Source"),
        entity.GetBoolean("Healthy") ?? false,
        JsonSerializer.Deserialize<List<ProbeResult>>(entity.GetString("Probes") ?? "[]") ?? [],
        entity.GetDateTimeOffset("CompletedAt") ?? entity.Timestamp ?? DateTimeOffset.MinValue);
}
