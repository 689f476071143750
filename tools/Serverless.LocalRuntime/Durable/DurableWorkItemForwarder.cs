using System.Text.Json;
using DurableTask.Core;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.LocalRuntime.Bindings;
using Serverless.LocalRuntime.Worker;
using P = Microsoft.DurableTask.Protobuf;

namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// Hands the task hub's work to the worker, as the Durable extension does for isolated apps: the sidecar service
/// (<c>TaskHubGrpcServer</c> over DTFx's Azure Storage backend) streams work items to this forwarder, which runs each as
/// an invocation of the orchestrator or activity function and completes it with the worker's answer. When the worker
/// is gone mid-item, the item is abandoned, so DTFx delivers it again once a worker is back.
/// </summary>
internal sealed partial class DurableWorkItemForwarder(
    WorkerHost worker,
    IOrchestrationService service,
    SidecarLifetime sidecarLifetime,
    HostAddresses addresses,
    ILogger<DurableWorkItemForwarder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.FunctionsAsync(stoppingToken) is not { } functions)
        {
            return;
        }

        var orchestrators = functions.Where(f => f.Is(BindingTypes.OrchestrationTrigger)).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var activities = functions.Where(f => f.Is(BindingTypes.ActivityTrigger)).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        if (orchestrators.Count == 0 && activities.Count == 0)
        {
            return;
        }

        using var channel = GrpcChannel.ForAddress(addresses.Grpc, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        var sidecar = new P.TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Storage may be out of reach at start; the rest of the app serves (and reports not ready) meanwhile.
                await service.CreateIfNotExistsAsync();
                sidecarLifetime.Start();
                using var stream = sidecar.GetWorkItems(new P.GetWorkItemsRequest(), cancellationToken: stoppingToken);
                LogConnected(logger);
                delay = TimeSpan.FromSeconds(1);
                await foreach (var item in stream.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    _ = Task.Run(() => HandleAsync(sidecar, item, orchestrators, activities, stoppingToken), CancellationToken.None);
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStreamFailed(logger, ex);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        sidecarLifetime.StopApplication();
    }

    private async Task HandleAsync(
        P.TaskHubSidecarService.TaskHubSidecarServiceClient sidecar,
        P.WorkItem item,
        Dictionary<string, WorkerFunction> orchestrators,
        Dictionary<string, WorkerFunction> activities,
        CancellationToken stoppingToken)
    {
        try
        {
            switch (item.RequestCase)
            {
                case P.WorkItem.RequestOneofCase.OrchestratorRequest:
                    await RunOrchestratorAsync(sidecar, item.OrchestratorRequest, item.CompletionToken, orchestrators, stoppingToken);
                    break;
                case P.WorkItem.RequestOneofCase.ActivityRequest:
                    await RunActivityAsync(sidecar, item.ActivityRequest, item.CompletionToken, activities, stoppingToken);
                    break;
                default:
                    LogUnsupportedWorkItem(logger, item.RequestCase.ToString());
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogWorkItemFailed(logger, ex, item.RequestCase.ToString());
        }
    }

    private async Task RunOrchestratorAsync(
        P.TaskHubSidecarService.TaskHubSidecarServiceClient sidecar,
        P.OrchestratorRequest request,
        string completionToken,
        Dictionary<string, WorkerFunction> orchestrators,
        CancellationToken stoppingToken)
    {
        string name = request.PastEvents.Concat(request.NewEvents).Select(e => e.ExecutionStarted?.Name).FirstOrDefault(n => n is not null) ?? string.Empty;
        if (!orchestrators.TryGetValue(name, out var function))
        {
            await sidecar.CompleteOrchestratorTaskAsync(Failed(request.InstanceId, completionToken, $"No orchestrator function named '{name}'."), cancellationToken: stoppingToken);
            return;
        }

        var invocation = function.CreateInvocation(new TypedData { String = request.ToByteString().ToBase64() });
        InvocationResponse response;
        try
        {
            response = await worker.InvokeAsync(function, invocation, stoppingToken);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            await sidecar.AbandonTaskOrchestratorWorkItemAsync(new P.AbandonOrchestrationTaskRequest { CompletionToken = completionToken }, cancellationToken: CancellationToken.None);
            return;
        }

        P.OrchestratorResponse result;
        if (response.Result.Status == StatusResult.Types.Status.Success && response.ReturnValue?.DataCase == TypedData.DataOneofCase.String)
        {
            result = P.OrchestratorResponse.Parser.ParseFrom(ByteString.FromBase64(response.ReturnValue.String));
            result.InstanceId = request.InstanceId;
            result.CompletionToken = completionToken;
        }
        else
        {
            result = Failed(request.InstanceId, completionToken, response.Result.Exception?.Message ?? "The orchestrator returned no result.");
        }

        await sidecar.CompleteOrchestratorTaskAsync(result, cancellationToken: CancellationToken.None);
    }

    private async Task RunActivityAsync(
        P.TaskHubSidecarService.TaskHubSidecarServiceClient sidecar,
        P.ActivityRequest request,
        string completionToken,
        Dictionary<string, WorkerFunction> activities,
        CancellationToken stoppingToken)
    {
        var answer = new P.ActivityResponse { InstanceId = request.OrchestrationInstance.InstanceId, TaskId = request.TaskId, CompletionToken = completionToken };
        if (!activities.TryGetValue(request.Name, out var function))
        {
            answer.FailureDetails = new P.TaskFailureDetails { ErrorType = "FunctionNotFound", ErrorMessage = $"No activity function named '{request.Name}'." };
            await sidecar.CompleteActivityTaskAsync(answer, cancellationToken: CancellationToken.None);
            return;
        }

        var invocation = function.CreateInvocation(new TypedData { String = ActivityInput(request.Input) });
        invocation.TriggerMetadata["instanceId"] = new TypedData { String = answer.InstanceId };
        InvocationResponse response;
        try
        {
            response = await worker.InvokeAsync(function, invocation, stoppingToken);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            await sidecar.AbandonTaskActivityWorkItemAsync(new P.AbandonActivityTaskRequest { CompletionToken = completionToken }, cancellationToken: CancellationToken.None);
            return;
        }

        if (response.Result.Status == StatusResult.Types.Status.Success)
        {
            answer.Result = response.ReturnValue?.DataCase switch
            {
                TypedData.DataOneofCase.Json => response.ReturnValue.Json,
                TypedData.DataOneofCase.String => JsonSerializer.Serialize(response.ReturnValue.String),
                _ => null,
            };
        }
        else
        {
            var exception = response.Result.Exception;
            answer.FailureDetails = new P.TaskFailureDetails
            {
                ErrorType = exception?.Type ?? "Exception",
                ErrorMessage = exception?.Message ?? "The activity failed.",
                StackTrace = exception?.StackTrace,
            };
        }

        await sidecar.CompleteActivityTaskAsync(answer, cancellationToken: CancellationToken.None);
    }

    /// <summary>
    /// The isolated SDK schedules an activity's input as a one-element JSON array; the worker binds the element's JSON.
    /// </summary>
    private static string ActivityInput(string? scheduled)
    {
        if (string.IsNullOrEmpty(scheduled))
        {
            return string.Empty;
        }

        using var document = JsonDocument.Parse(scheduled);
        var root = document.RootElement;
        var element = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1 ? root[0] : root;
        return element.GetRawText();
    }

    private static P.OrchestratorResponse Failed(string instanceId, string completionToken, string message) => new()
    {
        InstanceId = instanceId,
        CompletionToken = completionToken,
        Actions =
        {
            new P.OrchestratorAction
            {
                CompleteOrchestration = new P.CompleteOrchestrationAction
                {
                    OrchestrationStatus = P.OrchestrationStatus.Failed,
                    FailureDetails = new P.TaskFailureDetails { ErrorType = "OrchestratorFailed", ErrorMessage = message },
                },
            },
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable Task work items flow to the worker")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Durable Task work item stream failed; reconnecting")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsupported Durable Task work item {Kind}")]
    private static partial void LogUnsupportedWorkItem(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Durable Task work item ({Kind}) failed")]
    private static partial void LogWorkItemFailed(ILogger logger, Exception exception, string kind);
}
