using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Serving.Shadow;

/// <summary>
/// Answers the queued copies with the shadow version, off the request path, one at a time (so shadow work takes at
/// most one request's worth of the instance), compares each answer with the one the caller got and stores the
/// comparison. When the caller's answer was sampled for monitoring, the shadow's answers to the same predictions are
/// sampled too, marked as the shadow's (<see cref="PredictionSampler.SampleShadow"/>). A copy the shadow cannot answer,
/// or whose comparison cannot be stored, is counted as failed and logged; the next one is taken. After each copy the
/// instance's changed drop and failure counts are stored.
/// </summary>
internal sealed partial class ShadowWorker(
    ShadowQueue queue, InferenceService inference, ShadowStore store, ILogger<ShadowWorker> logger, PredictionSampler? sampler = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await CompareAsync(request, stoppingToken);
                await ReportCountsAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: copies still queued are not compared.
        }
    }

    private async Task CompareAsync(ShadowRequest request, CancellationToken stoppingToken)
    {
        try
        {
            var answer = await inference.RunShadowAsync(request, stoppingToken);
            if (request.Sampled is { } sampled)
            {
                sampler?.SampleShadow(request.Shadow, sampled, request.Protocol == ServingMetrics.Records, request.Body, request.Response, answer);
            }

            var outcomes = ShadowComparison.Compare(request.Protocol, request.Response, answer);
            await store.RecordAsync(request, outcomes, stoppingToken);
            queue.Compared(request.Model, outcomes.Count);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            queue.Failed(request.Model);
            LogShadowFailed(logger, request.Model, request.Shadow.Version, ex);
        }
    }

    private async Task ReportCountsAsync(CancellationToken stoppingToken)
    {
        foreach (var (model, dropped, failed) in queue.TakeChangedCounts())
        {
            try
            {
                await store.RecordCountsAsync(model, queue.InstanceId, dropped, failed, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                LogCountsFailed(logger, model, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shadow version {Version} of model {Model} could not answer or be compared; counted as failed")]
    private static partial void LogShadowFailed(ILogger logger, string model, int version, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shadow counts of model {Model} could not be stored")]
    private static partial void LogCountsFailed(ILogger logger, string model, Exception exception);
}
