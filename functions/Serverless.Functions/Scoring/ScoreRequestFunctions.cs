using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Core.Scoring;

namespace Serverless.Functions.Scoring;

/// <summary>Event scoring: scores each message of the <c>Scoring__RequestQueue</c> queue and replies on its reply queue.</summary>
public sealed partial class ScoreRequestFunctions(EventScorer scorer, ILogger<ScoreRequestFunctions> logger)
{
    /// <summary>The app setting naming the request queue.</summary>
    public const string RequestQueueSetting = "%Scoring__RequestQueue%";

    /// <summary>
    /// Scores a request and puts the result, with its correlation id and the version that scored it, on the reply queue.
    /// A message that cannot be scored (not a request, an unknown model, rows that do not fit) fails with its reason
    /// logged, is retried, and then lands in <c>{queue}-poison</c>: never lost.
    /// </summary>
    [Function("ScoreQueuedRequest")]
    public async Task Score([QueueTrigger(RequestQueueSetting)] string message, CancellationToken cancellationToken)
    {
        ScoreRequest? request = null;
        try
        {
            request = EventScorer.Parse(message);
            var info = await scorer.ScoreAsync(request, cancellationToken);
            int rows = request.Rows.GetArrayLength();
            LogScored(logger, request.CorrelationId, info.Name, info.Version, rows);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, request?.CorrelationId, request?.Model, ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scored request {CorrelationId}: {Rows} row(s) by {Model} version {Version}")]
    private static partial void LogScored(ILogger logger, string? correlationId, string model, int version, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Score request {CorrelationId} for model {Model} failed (retried, then moved to the poison queue): {Reason}")]
    private static partial void LogFailed(ILogger logger, string? correlationId, string? model, string reason);
}
