using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Testing;

/// <summary>
/// The reports the queued self-check archives through its blob output binding, under the name of the queue it read:
/// a runtime with its own queue sees only its own.
/// </summary>
public static class SelfCheckReports
{
    /// <summary>The reports archived so far under <paramref name="queue"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(string connectionString, string queue)
    {
        var reports = new BlobContainerClient(connectionString, "selfcheck-reports");
        var found = new List<JsonElement>();
        if (!await reports.ExistsAsync())
        {
            return found;
        }

        await foreach (var blob in reports.GetBlobsAsync(BlobTraits.None, BlobStates.None, queue + "/", CancellationToken.None))
        {
            found.Add((await reports.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToObjectFromJson<JsonElement>());
        }

        return found;
    }
}
