using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Serverless.LocalRuntime.Functions;

namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// Runs the app's orchestrator and activity functions on a Durable Task Framework worker. If storage is not there at
/// start-up, it keeps trying, so that the rest of the app serves (and reports not ready) meanwhile.
/// </summary>
internal sealed partial class DurableTaskWorkerHost(
    DurableTaskBackend backend,
    FunctionCatalog catalog,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    ILogger<DurableTaskWorkerHost> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private TaskHubWorker? _worker;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var orchestrators = catalog.OfKind(TriggerKind.OrchestrationTrigger).ToList();
        var activities = catalog.OfKind(TriggerKind.ActivityTrigger).ToList();
        if (orchestrators.Count == 0 && activities.Count == 0)
        {
            return;
        }

        var converter = JsonDataConverter.Default;
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, loggerFactory);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await backend.Service.CreateIfNotExistsAsync();
                var worker = new TaskHubWorker(backend.Service, loggerFactory);
                worker.AddTaskOrchestrations(orchestrators
                    .Select(f => new FactoryObjectCreator<TaskOrchestration>(f.Name,
                        () => shims.CreateOrchestration(f.Name, new FunctionOrchestrator(f, services, converter))))
                    .ToArray<ObjectCreator<TaskOrchestration>>());
                worker.AddTaskActivities(activities
                    .Select(f => new FactoryObjectCreator<TaskActivity>(f.Name,
                        () => shims.CreateActivity(f.Name, new FunctionActivity(f, scopes, stoppingToken))))
                    .ToArray<ObjectCreator<TaskActivity>>());
                await worker.StartAsync();
                _worker = worker;
                LogStarted(logger, backend.HubName, orchestrators.Count, activities.Count);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogStartFailed(logger, ex, backend.HubName);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_worker is not null)
        {
            // Stopping talks to storage; when storage is gone it would retry for minutes, so it gets the host's deadline.
            try
            {
                await _worker.StopAsync(isForced: true).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                LogStopAbandoned(logger, backend.HubName);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable Task worker started on task hub {HubName}: {Orchestrators} orchestrators, {Activities} activities")]
    private static partial void LogStarted(ILogger logger, string hubName, int orchestrators, int activities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable Task worker on task hub {HubName} did not stop in time; its leases expire on their own")]
    private static partial void LogStopAbandoned(ILogger logger, string hubName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable Task worker could not start on task hub {HubName}; retrying")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string hubName);
}
