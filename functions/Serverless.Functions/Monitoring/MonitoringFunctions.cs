using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Monitoring;

/// <summary>Prediction monitoring: stores the sampled predictions the serving instances send, and reports this instance's sampling.</summary>
public sealed class MonitoringFunctions(PredictionSampler sampler, SampleRates sampleRates, SampleStore samples, MonitoringStore monitoring)
{
    /// <summary>The app setting naming the sample queue.</summary>
    public const string SampleQueueSetting = "%Monitoring__SampleQueue%";

    /// <summary>
    /// A message of the sample queue (a JSON array of samples): stores each sample in the sample table and the batch as
    /// Parquet per model and window, and marks those windows for evaluation. Storing is idempotent, so a message
    /// delivered again changes nothing.
    /// </summary>
    [Function("StorePredictionSamples")]
    public async Task StorePredictionSamples([QueueTrigger(SampleQueueSetting)] string message, CancellationToken cancellationToken)
    {
        try
        {
            await monitoring.MarkPendingAsync(await samples.StoreMessageAsync(message, cancellationToken), cancellationToken);
        }
        catch (JsonException ex)
        {
            // Retrying cannot help; the message goes to the poison queue for someone to look at.
            throw new InvalidOperationException($"A sample message must be a JSON array of samples: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// <c>GET /monitoring/sampling</c>: this instance's samples sampled, sent, dropped and buffered, the setting's sample
    /// rate and the rates of the models it has served as it knows them now.
    /// </summary>
    [RequireRole(PlatformRoles.Operator, PlatformRoles.Auditor)]
    [Function("GetSamplingStatistics")]
    public IActionResult GetSamplingStatistics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "monitoring/sampling")] HttpRequest request)
    {
        var statistics = sampler.GetStatistics();
        return new OkObjectResult(new
        {
            statistics.Sampled,
            statistics.Sent,
            statistics.Dropped,
            statistics.Buffered,
            SampleRate = sampleRates.Default,
            ModelRates = sampleRates.Known(),
        });
    }
}
