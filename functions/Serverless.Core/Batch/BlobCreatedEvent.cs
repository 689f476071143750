using System.Text.Json;

namespace Serverless.Core.Batch;

/// <summary>
/// An Event Grid <c>Microsoft.Storage.BlobCreated</c> event as a storage-queue subscription delivers it: one event per
/// message, in the Event Grid schema (<c>eventType</c>, <c>subject</c>, <c>data.url</c>) or CloudEvents (<c>type</c>,
/// <c>subject</c>), its subject <c>/blobServices/default/containers/{container}/blobs/{path}</c>.
/// </summary>
/// <param name="Id">The event's id.</param>
/// <param name="Type">The event type.</param>
/// <param name="Container">The blob's container.</param>
/// <param name="Path">The blob's path in it.</param>
public sealed record BlobCreatedEvent(string Id, string Type, string Container, string Path)
{
    /// <summary>The event type that starts a batch.</summary>
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    private const string SubjectStart = "/blobServices/default/containers/";

    /// <summary>Whether the event says a blob was created.</summary>
    public bool IsBlobCreated => Type == BlobCreated;

    /// <summary>Reads an event from a queue message (an event object, or an array holding one).</summary>
    /// <exception cref="FormatException">It is not an Event Grid or CloudEvents blob event; the message says why.</exception>
    public static BlobCreatedEvent Parse(string message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The message is not JSON, so not an Event Grid event: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1)
            {
                root = root[0];
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The message is not an Event Grid event: expected a JSON object with eventType (or type), subject and data.");
            }

            string type = Text(root, "eventType") ?? Text(root, "type") ?? throw new FormatException("The event has no eventType (or type).");
            string subject = Text(root, "subject") ?? throw new FormatException("The event has no subject.");
            string id = Text(root, "id") ?? string.Empty;
            // Event Grid's subject starts with '/', CloudEvents' does not.
            string normalized = subject.StartsWith('/') ? subject : "/" + subject;
            if (!normalized.StartsWith(SubjectStart, StringComparison.Ordinal) || normalized.IndexOf("/blobs/", SubjectStart.Length, StringComparison.Ordinal) is not (int at and > 0))
            {
                throw new FormatException($"The event's subject '{subject}' is not a blob's: expected /blobServices/default/containers/{{container}}/blobs/{{path}}.");
            }

            string container = normalized[SubjectStart.Length..at];
            string path = normalized[(at + "/blobs/".Length)..];
            return container.Length == 0 || path.Length == 0
                ? throw new FormatException($"The event's subject '{subject}' names no container or blob.")
                : new BlobCreatedEvent(id, type, container, path);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
