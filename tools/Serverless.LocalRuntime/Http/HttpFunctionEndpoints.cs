using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Serving;
using Serverless.LocalRuntime.Functions;
using Serverless.LocalRuntime.Hosting;
using Serverless.LocalRuntime.Queues;
using Serverless.LocalRuntime.Timers;

namespace Serverless.LocalRuntime.Http;

/// <summary>Serves every HTTP trigger on its route and methods, and Core Tools' admin endpoint for the others.</summary>
internal static partial class HttpFunctionEndpoints
{
    public static void MapFunctions(this WebApplication app, FunctionCatalog catalog, HostJson host)
    {
        var authorizer = app.Services.GetRequiredService<FunctionKeyAuthorizer>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.LocalRuntime.Http");

        app.MapPost("/admin/functions/{name}", (string name, HttpContext context) => InvokeNonHttpAsync(name, context, catalog, authorizer));

        foreach (var function in catalog.OfKind(TriggerKind.HttpTrigger))
        {
            string route = "/" + string.Join('/', new[] { host.RoutePrefix, function.Route!.Trim('/') }.Where(s => s.Length > 0));
            var methods = function.HttpMethods.Count > 0
                ? function.HttpMethods.Select(m => m.ToUpperInvariant()).ToArray()
                : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
            app.MapMethods(route, methods, context => HandleAsync(function, context, authorizer, logger))
                .WithName(function.Name);
        }
    }

    private static async Task HandleAsync(FunctionDescriptor function, HttpContext context, FunctionKeyAuthorizer authorizer, ILogger logger)
    {
        if (!authorizer.IsAuthorized(context.Request, function.AuthLevel))
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized,
                $"Function '{function.Name}' requires a key: pass it as the 'code' query parameter or the 'x-functions-key' header.");
            return;
        }

        object? result;
        await using (var scope = context.RequestServices.CreateAsyncScope())
        {
            try
            {
                result = await FunctionInvoker.InvokeAsync(
                    function, scope.ServiceProvider, context.Request, context.RequestAborted, name => context.Request.RouteValues[name]?.ToString());
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The Functions host answers an unhandled exception with an empty 500; so does the local runtime.
                LogFunctionFailed(logger, ex, function.Name);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
        }

        switch (result)
        {
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType());
                break;
        }
    }

    private static async Task<IResult> InvokeNonHttpAsync(string name, HttpContext context, FunctionCatalog catalog, FunctionKeyAuthorizer authorizer)
    {
        if (!authorizer.IsAuthorized(context.Request, AuthorizationLevel.Admin))
        {
            return Error(StatusCodes.Status401Unauthorized, "The admin endpoint requires the master key ('code' query parameter or 'x-functions-key' header).");
        }

        var function = catalog.Find(name);
        if (function is null)
        {
            return Error(StatusCodes.Status404NotFound, $"No function named '{name}'.");
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
                return Error(StatusCodes.Status400BadRequest, $"The body must be JSON like {{\"input\": \"...\"}}: {ex.Message}");
            }
        }

        var services = context.RequestServices;
        switch (function.Trigger)
        {
            case TriggerKind.QueueTrigger:
                services.GetRequiredService<QueueTriggerHost>().InvokeInBackground(function, input ?? string.Empty);
                return Results.Accepted();
            case TriggerKind.TimerTrigger:
                services.GetRequiredService<TimerTriggerHost>().InvokeInBackground(function);
                return Results.Accepted();
            default:
                return Error(StatusCodes.Status400BadRequest,
                    $"Function '{name}' is a {function.Trigger}; the admin endpoint runs queue and timer functions. " +
                    "Call HTTP functions on their route and start orchestrations through a client function.");
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), statusCode: status);

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    private static partial void LogFunctionFailed(ILogger logger, Exception exception, string functionName);
}
