using System.Text.Json;

namespace Serverless.Testing;

/// <summary>Event Grid events in the shape Azure delivers them to a storage-queue subscription.</summary>
public static class EventGridEvents
{
    /// <summary>A <c>Microsoft.Storage.BlobCreated</c> event (Event Grid schema) for <paramref name="container"/>/<paramref name="path"/>, as Learn documents it.</summary>
    public static string BlobCreated(string container, string path, string account = "mlplatformstorage", long contentLength = 1024) =>
        JsonSerializer.Serialize(new
        {
            topic = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlplatform-dev/providers/Microsoft.Storage/storageAccounts/{account}",
            subject = $"/blobServices/default/containers/{container}/blobs/{path}",
            eventType = "Microsoft.Storage.BlobCreated",
            eventTime = "2026-11-27T15:41:00.9584103Z",
            id = Guid.NewGuid().ToString(),
            data = new
            {
                api = "PutBlockList",
                clientRequestId = Guid.NewGuid().ToString(),
                requestId = Guid.NewGuid().ToString(),
                eTag = "0x8D4BCC2E4835CD0",
                contentType = path.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/octet-stream",
                contentLength,
                blobType = "BlockBlob",
                url = $"https://{account}.blob.core.windows.net/{container}/{path}",
                sequencer = "00000000000004420000000000028963",
                storageDiagnostics = new { batchId = Guid.NewGuid().ToString() },
            },
            dataVersion = string.Empty,
            metadataVersion = "1",
        });
}
