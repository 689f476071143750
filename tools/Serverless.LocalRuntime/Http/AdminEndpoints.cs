using System.Text.Json;
using Serverless.LocalRuntime.Queues;
using Serverless.LocalRuntime.Timers;
using Serverless.LocalRuntime.Worker;

namespace Serverless.LocalRuntime.Http;

/// <summary>
/// The host's admin API as Core Tools serves it: <c>POST /admin/functions/{name}</c> with <c>{"input": "..."}</c> runs a
/// queue or timer function now. Served by the host ahead of any app route.
/// </summary>
internal static partial class AdminEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/admin/functions/{name}", InvokeAsync).WithOrder(-1);
        app.MapGet("/admin/host/status", (WorkerHost worker) => Results.Json(new
        {
            state = worker.Ready.IsCompletedSuccessfully ? "Running" : worker.Ready.IsFaulted ? "Error" : "Initializing",
            processId = Environment.ProcessId,
            workerProcessId = worker.ProcessId,
        })).WithOrder(-1);
    }

    private static async Task<IResult> InvokeAsync(string name, HttpContext context, WorkerHost worker, FunctionKeyAuthorizer keys, QueueTriggerListener queues, TimerTriggerScheduler timers, ILoggerFactory loggers)
    {
        if (!keys.IsAuthorized(context.Request, "admin"))
        {
            return JsonErrors.Result(StatusCodes.Status401Unauthorized, "The admin endpoint requires the master key ('code' query parameter or 'x-functions-key' header).");
        }

        if (!worker.Ready.IsCompletedSuccessfully)
        {
            return JsonErrors.Result(StatusCodes.Status503ServiceUnavailable, "The worker process is starting; try again shortly.");
        }

        var function = worker.Ready.Result.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null)
        {
            return JsonErrors.Result(StatusCodes.Status404NotFound, $"No function named '{name}'.");
        }

        string? input = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("input", out var value))
                {
                    input = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                }
            }
            catch (JsonException ex)
            {
                return JsonErrors.Result(StatusCodes.Status400BadRequest, $"The body must be JSON like {{\"input\": \"...\"}}: {ex.Message}");
            }
        }

        var logger = loggers.CreateLogger("Serverless.LocalRuntime.Admin");
        Func<Task> run;
        if (function.Is(BindingTypes.QueueTrigger))
        {
            run = () => queues.InvokeAsync(function, input ?? string.Empty, CancellationToken.None);
        }
        else if (function.Is(BindingTypes.TimerTrigger))
        {
            run = () => timers.InvokeNowAsync(function, CancellationToken.None);
        }
        else
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest,
                $"Function '{name}' has a {function.Trigger.Type}; the admin endpoint runs queue and timer functions. " +
                "Call HTTP functions on their route and start orchestrations through a client function.");
        }

        // As Core Tools: accepted at once, run in the background, failures logged.
        _ = Task.Run(async () =>
        {
            try
            {
                await run();
            }
            catch (Exception ex)
            {
                LogAdminInvocationFailed(logger, ex, function.Name);
            }
        });
        return Results.Accepted();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin invocation of {FunctionName} failed")]
    private static partial void LogAdminInvocationFailed(ILogger logger, Exception exception, string functionName);
}
