using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Audit;

namespace Serverless.Functions.Governance;

/// <summary>
/// Appends each call of an <see cref="AuditedAttribute"/> function to the audit log once it has been answered: who
/// (the actor the identity middleware validated, else anonymous), the action, the target from the route values
/// (<c>{name}</c>, <c>{version}</c>, <c>{alias}</c>, <c>{id}</c>) and the function's <see cref="AuditDetails"/>, the
/// JSON body's <c>reason</c>, the invocation id and the outcome from the answer's status. It is registered before the
/// identity middleware, so it wraps it and refusals (401, 403) are recorded too.
/// </summary>
internal sealed partial class AuditMiddleware(AuditLog log, TimeProvider clock, ILogger<AuditMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <summary>Where the identity middleware leaves the validated <see cref="Actor"/> (CallerContext.ItemKey).</summary>
    public const string ActorItemKey = "serverless.actor";

    /// <summary>The actor recorded when no validated identity came with the call.</summary>
    public static readonly Actor Anonymous = new("anonymous", "anonymous", []);

    // Only small JSON bodies are kept for their "reason": model uploads stream through untouched.
    private const long MaxReasonBodyBytes = 64 * 1024;

    private static readonly ConcurrentDictionary<string, AuditedAttribute?> Audited = new();

    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (AuditedOf(context.FunctionDefinition) is not { } audited || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        bool keepBody = http.Request.HasJsonContentType() && http.Request.ContentLength is null or (> 0 and <= MaxReasonBodyBytes);
        if (keepBody)
        {
            http.Request.EnableBuffering();
        }

        try
        {
            await next(context);
        }
        catch (Exception)
        {
            await RecordAsync(context, http, audited, StatusCodes.Status500InternalServerError, reason: null);
            throw;
        }

        string? reason = keepBody ? await ReasonAsync(http.Request) : null;
        await RecordAsync(context, http, audited, StatusOf(context, http), reason);
    }

    private async Task RecordAsync(FunctionContext context, HttpContext http, AuditedAttribute audited, int status, string? reason)
    {
        var route = context.BindingContext.BindingData;
        var details = (context.Items.TryGetValue(AuditRecording.ItemKey, out var fromContext) ? fromContext : http.Items[AuditRecording.ItemKey]) as AuditDetails;
        var actor = context.Items.TryGetValue(ActorItemKey, out var validated) && validated is Actor known ? known : Anonymous;
        string? model = Route(route, "name");
        int? version = int.TryParse(Route(route, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : details?.Version;
        string action = Placeholder().Replace(audited.Action, m => Route(route, m.Groups[1].Value) ?? m.Value);
        var entry = new AuditEntry(
            actor,
            action,
            model,
            version,
            Route(route, "alias") ?? details?.Alias,
            Route(route, "id") ?? details?.Run,
            details?.Before,
            details?.After,
            details?.Reason ?? reason,
            clock.GetUtcNow(),
            context.InvocationId,
            AuditOutcomes.FromStatus(status),
            status);
        try
        {
            await log.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The action has been answered already; a lost entry is logged loudly rather than turned into an error.
            LogAppendFailed(logger, action, model ?? AuditLog.PlatformChain, context.InvocationId, ex);
        }
    }

    private static int StatusOf(FunctionContext context, HttpContext http) => context.GetInvocationResult().Value switch
    {
        JsonBytesResult bytes => bytes.StatusCode,
        IStatusCodeActionResult { StatusCode: int code } => code,
        Microsoft.AspNetCore.Mvc.IActionResult => StatusCodes.Status200OK,
        HttpResponseData response => (int)response.StatusCode,
        _ => http.Response.StatusCode,
    };

    private static async Task<string?> ReasonAsync(HttpRequest request)
    {
        try
        {
            // At most the limit and a byte more is read again: a larger body has no reason worth quoting.
            request.Body.Position = 0;
            var buffer = new byte[MaxReasonBodyBytes + 1];
            int length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaxReasonBodyBytes)
            {
                return null;
            }

            using var body = JsonDocument.Parse(buffer.AsMemory(0, length));
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? reason.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException or ObjectDisposedException)
        {
            // A body the function refused as malformed has no reason to quote.
            return null;
        }
    }

    private static string? Route(IReadOnlyDictionary<string, object?> route, string key) =>
        route.TryGetValue(key, out var value) && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null;

    private static AuditedAttribute? AuditedOf(FunctionDefinition function) => Audited.GetOrAdd(function.EntryPoint, entryPoint =>
    {
        int dot = entryPoint.LastIndexOf('.');
        var type = dot < 0 ? null : typeof(AuditMiddleware).Assembly.GetType(entryPoint[..dot]);
        return type?.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)?.GetCustomAttribute<AuditedAttribute>();
    });

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append {Action} on {Chain} (invocation {InvocationId}) to the audit log")]
    private static partial void LogAppendFailed(ILogger logger, string action, string chain, string invocationId, Exception exception);
}
