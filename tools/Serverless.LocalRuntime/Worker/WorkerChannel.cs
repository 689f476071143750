using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Serverless.LocalRuntime.Worker;

/// <summary>
/// One worker's <c>EventStream</c>: the host's requests go out through a single writer, the worker's answers are
/// matched to them (init, metadata, load by request; invocations by invocation id), and its logs are forwarded.
/// </summary>
internal sealed partial class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();
    private readonly ConcurrentDictionary<StreamingMessage.ContentOneofCase, TaskCompletionSource<StreamingMessage>> _replies = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public WorkerChannel(string workerId, ILoggerFactory loggers)
    {
        WorkerId = workerId;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Serverless.LocalRuntime.Worker");
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream has ended, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Pumps the stream until either side ends it. Called by the gRPC service for the worker's call.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
                {
                    await responses.WriteAsync(message, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
            {
                // A stream that cannot be written to is over as well: nothing sent now would be answered.
                Close();
            }
        }, CancellationToken.None);
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
        {
            // The worker went away or the host is stopping: either way the stream is over.
        }
        finally
        {
            Close();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task<WorkerInitResponse> InitAsync(WorkerInitRequest request, CancellationToken cancellationToken) =>
        (await RequestAsync(new StreamingMessage { WorkerInitRequest = request }, StreamingMessage.ContentOneofCase.WorkerInitResponse, cancellationToken)).WorkerInitResponse;

    public async Task<FunctionMetadataResponse> GetMetadataAsync(string appDirectory, CancellationToken cancellationToken) =>
        (await RequestAsync(
            new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } },
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse,
            cancellationToken)).FunctionMetadataResponse;

    public async Task LoadAsync(RpcFunctionMetadata metadata, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loads[metadata.FunctionId] = reply;
        Send(new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = metadata.FunctionId, Metadata = metadata } });
        var response = await reply.Task.WaitAsync(cancellationToken);
        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker could not load function '{metadata.Name}': {response.Result.Exception?.Message}");
        }
    }

    /// <summary>Sends an invocation and waits for the worker's answer; cancelling tells the worker to cancel it too.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The worker needs a trace context on every invocation (it throws without one).
        request.TraceContext ??= new RpcTraceContext { TraceParent = System.Diagnostics.Activity.Current?.Id ?? string.Empty };
        var reply = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = reply;
        if (_closed.Task.IsCompleted || !Send(new StreamingMessage { InvocationRequest = request }))
        {
            _invocations.TryRemove(request.InvocationId, out _);
            throw new WorkerUnavailableException("The worker process is not connected.");
        }

        using var registration = cancellationToken.Register(() =>
            Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId, GracePeriod = Duration.FromTimeSpan(TimeSpan.Zero) } }));
        try
        {
            return await reply.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    public void Terminate(TimeSpan gracePeriod) =>
        Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } });

    /// <summary>Queues a message for the worker; false once the stream is closing.</summary>
    private bool Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    private async Task<StreamingMessage> RequestAsync(StreamingMessage request, StreamingMessage.ContentOneofCase replyCase, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[replyCase] = reply;
        Send(request);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.TrySetResult(message.InvocationResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (_loads.TryRemove(message.FunctionLoadResponse.FunctionId, out var load))
                {
                    load.TrySetResult(message.FunctionLoadResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                Forward(message.RpcLog);
                break;
            default:
                if (_replies.TryRemove(message.ContentCase, out var reply))
                {
                    reply.TrySetResult(message);
                }
                else
                {
                    LogUnexpected(_logger, message.ContentCase, WorkerId);
                }

                break;
        }
    }

    private void Forward(RpcLog log)
    {
        var logger = _loggers.CreateLogger(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category);
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        if (log.Exception is { } exception)
        {
            LogWorkerException(logger, level, log.Message, exception.Type, exception.Message, exception.StackTrace);
        }
        else
        {
            LogWorker(logger, level, log.Message);
        }
    }

    private void Close()
    {
        _outgoing.Writer.TryComplete();
        var gone = new WorkerUnavailableException("The worker process went away before answering.");
        foreach (var pending in _invocations.Values)
        {
            pending.TrySetException(gone);
        }

        foreach (var pending in _replies.Values)
        {
            pending.TrySetException(gone);
        }

        foreach (var pending in _loads.Values)
        {
            pending.TrySetException(gone);
        }

        _closed.TrySetResult();
    }

    [LoggerMessage(Message = "{Message}")]
    private static partial void LogWorker(ILogger logger, LogLevel level, string message);

    [LoggerMessage(Message = "{Message} ({ExceptionType}: {ExceptionMessage})\n{StackTrace}")]
    private static partial void LogWorkerException(ILogger logger, LogLevel level, string message, string exceptionType, string exceptionMessage, string stackTrace);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unexpected {Content} from worker {WorkerId}")]
    private static partial void LogUnexpected(ILogger logger, StreamingMessage.ContentOneofCase content, string workerId);
}
