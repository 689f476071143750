using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Serverless.LocalRuntime.Worker;

/// <summary>
/// The host's side of <c>FunctionRpc.EventStream</c>: a worker connects, says <c>StartStream</c> with the id it was
/// launched with, and is handed to whoever launched it.
/// </summary>
internal sealed partial class FunctionRpcService(WorkerConnections connections, ILogger<FunctionRpcService> logger) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message must be StartStream."));
        }

        string workerId = requestStream.Current.StartStream.WorkerId;
        if (!connections.TryTake(workerId, out var channel))
        {
            LogUnknownWorker(logger, workerId);
            throw new Grpc.Core.RpcException(new Status(StatusCode.PermissionDenied, $"No worker '{workerId}' was started by this host."));
        }

        await channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A worker with unknown id {WorkerId} tried to connect")]
    private static partial void LogUnknownWorker(ILogger logger, string workerId);
}
