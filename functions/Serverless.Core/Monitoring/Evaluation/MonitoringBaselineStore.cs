using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>
/// Keeps each version's monitoring baseline as JSON at <c>baselines/{model}/{version:D10}.json</c> in
/// <see cref="MonitoringOptions.BaselineContainer"/>. A baseline never changes once written, so reads are cached.
/// </summary>
public sealed class MonitoringBaselineStore
{
    private readonly BlobContainerClient _container;
    private readonly ConcurrentDictionary<(string Model, int Version), MonitoringBaseline> _cache = new();
    private bool _created;

    /// <summary>Uses the app's blob storage.</summary>
    public MonitoringBaselineStore(BlobServiceClient blobs, IOptions<MonitoringOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _container = blobs.GetBlobContainerClient(options.Value.BaselineContainer);
    }

    /// <summary>Records <paramref name="baseline"/> for its version (again: the same content, overwritten).</summary>
    public async Task PutAsync(MonitoringBaseline baseline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (!_created)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        await _container.GetBlobClient(BlobName(baseline.Model, baseline.Version))
            .UploadAsync(BinaryData.FromObjectAsJson(baseline, MonitoringJson.Default.MonitoringBaseline), overwrite: true, cancellationToken);
        _cache[(baseline.Model, baseline.Version)] = baseline;
    }

    /// <summary>
    /// The baseline <paramref name="version"/> is held against: its own, else the newest of an earlier version (a version
    /// registered by hand is held to what the model was trained to do); null when there is none.
    /// </summary>
    public async Task<MonitoringBaseline?> FindAsync(string model, int version, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((model, version), out var cached))
        {
            return cached;
        }

        int? best = null;
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"baselines/{model}/", cancellationToken))
            {
                string name = Path.GetFileNameWithoutExtension(blob.Name);
                if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v <= version && (best is null || v > best))
                {
                    best = v;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        if (best is not { } found)
        {
            return null;
        }

        if (!_cache.TryGetValue((model, found), out var baseline))
        {
            var content = await _container.GetBlobClient(BlobName(model, found)).DownloadContentAsync(cancellationToken);
            baseline = content.Value.Content.ToObjectFromJson(MonitoringJson.Default.MonitoringBaseline)!;
            _cache[(model, found)] = baseline;
        }

        // Only a version's own baseline is final: an inherited one is looked up again, in case its own arrives later.
        return baseline;
    }

    private static string BlobName(string model, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"baselines/{model}/{version:D10}.json");
}
