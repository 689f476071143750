using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Google.Protobuf.Collections;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Bindings;

/// <summary>
/// Writes what a function returned for its queue and blob output bindings, as the Functions host does after a
/// successful invocation: a queue message (base64 when host.json's <c>messageEncoding</c> says so) or a blob.
/// </summary>
internal sealed partial class OutputBindings(IConfiguration configuration, HostJson host, ILogger<OutputBindings> logger)
{
    public async Task WriteAsync(WorkerFunction function, InvocationResponse response, MapField<string, TypedData> triggerMetadata, string? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(response);
        foreach (var binding in function.Outputs.Where(b => !string.Equals(b.Type, BindingTypes.Http, StringComparison.OrdinalIgnoreCase)))
        {
            TypedData? value = binding.Name == "$return"
                ? response.ReturnValue
                : response.OutputData.FirstOrDefault(o => o.Name == binding.Name)?.Data;
            var items = Items(value).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            string connection = binding.GetString("connection") is { Length: > 0 } name ? name : StorageNames.ConnectionSetting;
            var storage = new StorageClientFactory(configuration, connection);
            if (string.Equals(binding.Type, BindingTypes.Queue, StringComparison.OrdinalIgnoreCase))
            {
                string queueName = BindingExpressions.Resolve(binding.GetString("queueName") ?? string.Empty, configuration, triggerMetadata, payload);
                var queue = storage.CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = host.Queues.Encoding }).GetQueueClient(queueName);
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                foreach (byte[] item in items)
                {
                    await queue.SendMessageAsync(BinaryData.FromBytes(item), cancellationToken: cancellationToken);
                }

                LogWritten(logger, function.Name, items.Count, "queue " + queueName);
            }
            else
            {
                string path = BindingExpressions.Resolve(binding.GetString("path") ?? binding.GetString("blobPath") ?? string.Empty, configuration, triggerMetadata, payload);
                int slash = path.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == path.Length - 1)
                {
                    throw new InvalidOperationException($"Function '{function.Name}': blob output path '{path}' must be 'container/blob'.");
                }

                var container = storage.CreateBlobServiceClient().GetBlobContainerClient(path[..slash]);
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await container.GetBlobClient(path[(slash + 1)..]).UploadAsync(BinaryData.FromBytes(items[^1]), overwrite: true, cancellationToken);
                LogWritten(logger, function.Name, 1, "blob " + path);
            }
        }
    }

    private static IEnumerable<byte[]> Items(TypedData? value) => value?.DataCase switch
    {
        TypedData.DataOneofCase.String => [Encoding.UTF8.GetBytes(value.String)],
        TypedData.DataOneofCase.Json => [Encoding.UTF8.GetBytes(value.Json)],
        TypedData.DataOneofCase.Bytes => [value.Bytes.ToByteArray()],
        TypedData.DataOneofCase.Stream => [value.Stream.ToByteArray()],
        TypedData.DataOneofCase.CollectionString => value.CollectionString.String.Select(Encoding.UTF8.GetBytes),
        TypedData.DataOneofCase.CollectionBytes => value.CollectionBytes.Bytes.Select(b => b.ToByteArray()),
        _ => [],
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Function {FunctionName}: {Count} output(s) written to {Target}")]
    private static partial void LogWritten(ILogger logger, string functionName, int count, string target);
}
