using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance;
using Serverless.Core.Monitoring.Feedback;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Monitoring;

/// <summary>Ground truth: the true labels or values of sampled predictions.</summary>
public sealed class FeedbackFunctions(FeedbackStore feedback)
{
    // 1000 items of a 36-character id and a label fit well within this.
    private const long MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// <c>POST /models/{name}/feedback</c>, body <c>{"feedback": [{"predictionId": "...", "label": ...}, ...]}</c> (1 to
    /// 1000 items; <c>"value"</c> instead of <c>"label"</c> for a regressor): records each actual on its prediction's
    /// sample; 200 <c>{"recorded": n, "unchanged": m}</c> (the same actual sent again is unchanged). Checked whole
    /// before anything is written: 400 bad body, id or label type; 404 ids with no stored sample; 409 a different actual
    /// already recorded.
    /// </summary>
    [RequireRole(PlatformRoles.Consumer, AllowFunctionKey = true)]
    [Function("RecordFeedback")]
    public async Task<IActionResult> Record(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/feedback")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        await ApiResults.HandleAsync(request, async () =>
        {
            byte[]? body = await ApiResults.ReadBodyAsync(request, MaxBodyBytes, cancellationToken);
            if (body is null)
            {
                return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"The body is over {MaxBodyBytes / 1024} KiB; send at most {FeedbackStore.MaxItems} items per call.");
            }

            var result = await feedback.RecordAsync(name, FeedbackStore.Parse(body), cancellationToken);
            return new OkObjectResult(new { recorded = result.Recorded, unchanged = result.Unchanged });
        });
}
