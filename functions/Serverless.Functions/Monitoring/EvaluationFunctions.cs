using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Governance;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Functions.Governance;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Monitoring;

/// <summary>Evaluates closed monitoring windows on a timer (or when asked) and shows a model's monitoring.</summary>
public sealed class EvaluationFunctions(MonitoringEvaluator evaluator, MonitoringReader reader)
{
    /// <summary>The app setting holding the evaluation timer's schedule.</summary>
    public const string ScheduleSetting = "%Monitoring__EvaluationSchedule%";

    /// <summary>Evaluates every window that is due: drift, performance, control charts, alerts and the guardrail.</summary>
    [Function("EvaluateMonitoringWindows")]
    public Task EvaluateOnSchedule([TimerTrigger(ScheduleSetting)] TimerInfo timer, CancellationToken cancellationToken) =>
        evaluator.EvaluateDueAsync(cancellationToken);

    /// <summary><c>POST /monitoring/evaluate</c>: evaluates every window that is due now, as the timer does, and says what it did.</summary>
    [RequireRole(PlatformRoles.Operator)]
    [Function("EvaluateMonitoringWindowsNow")]
    [Audited(AuditActions.MonitoringEvaluate)]
    public async Task<IActionResult> EvaluateNow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "monitoring/evaluate")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await ApiResults.HandleAsync(request, async () => new OkObjectResult(await evaluator.EvaluateDueAsync(cancellationToken)));

    /// <summary>
    /// <c>GET /models/{name}/monitoring</c>, optional <c>?windows=n</c> (1 to 1000): the model's latest evaluated
    /// windows (drift per feature, performance, control-chart points), its chart series, alerts and guardrail actions.
    /// </summary>
    [RequireRole(PlatformRoles.Operator, PlatformRoles.Auditor)]
    [Function("GetModelMonitoring")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/monitoring")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        int? windows = null;
        if (request.Query["windows"].FirstOrDefault() is { } text)
        {
            if (!int.TryParse(text, out int n) || n is < 1 or > 1000)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, $"'windows' must be a whole number from 1 to 1000, not '{text}'.");
            }

            windows = n;
        }

        return await ApiResults.HandleAsync(request, async () => new OkObjectResult(await reader.GetAsync(name, windows, cancellationToken)));
    }
}
