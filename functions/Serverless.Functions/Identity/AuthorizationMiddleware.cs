using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;

namespace Serverless.Functions.Identity;

/// <summary>
/// Enforces what each HTTP function declares (<see cref="RequireRoleAttribute"/>, <see cref="PublicAttribute"/>) before
/// its body runs: 401 without a valid bearer token, 403 naming the missing role; the caller it admits is put in the
/// <see cref="CallerContext"/>. Other triggers (queues, timers, orchestrations) are the platform's own actions and pass.
/// Every HTTP function is anonymous at the Functions host, so this is the only gate, the same under Azure, Core Tools
/// and the local runtime: it also checks the function key itself where an endpoint accepts one
/// (<see cref="FunctionKeySet"/>), since the host does not tell an ASP.NET Core integrated worker which key it accepted.
/// </summary>
internal sealed partial class AuthorizationMiddleware(TokenValidator tokens, FunctionKeySet keys, IOptions<AuthOptions> options, ILogger<AuthorizationMiddleware> logger)
    : IFunctionsWorkerMiddleware
{
    /// <summary>The caller admitted on the function key (no token), where the settings allow it.</summary>
    public static readonly Actor FunctionKeyCaller = new("key:function", "function key", [PlatformRoles.Consumer]);

    private const string BearerPrefix = "Bearer ";

    // Where the Functions host reads a key, the header first.
    private const string KeyHeader = "x-functions-key";
    private const string KeyQuery = "code";
    private const string HowToSendAKey = $"a function key (header '{KeyHeader}' or query parameter '{KeyQuery}')";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        if (await AuthorizeAsync(context, http) is { } refusal)
        {
            context.GetInvocationResult().Value = refusal;
            return;
        }

        await next(context);
    }

    private async Task<IActionResult?> AuthorizeAsync(FunctionContext context, HttpContext http)
    {
        var access = FunctionAccessCatalog.Find(context.FunctionDefinition.Name);
        if (access is not { Declared: true })
        {
            LogUndeclared(logger, context.FunctionDefinition.Name);
            return ApiResults.Error(StatusCodes.Status500InternalServerError, $"Function '{context.FunctionDefinition.Name}' declares no roles, so nobody may call it (a platform fault).");
        }

        if (access.IsPublic)
        {
            return null;
        }

        string? header = http.Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header))
        {
            return AdmitOnKey(context, http, access);
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized(http, "The Authorization header must be 'Bearer <token>'.");
        }

        var check = await tokens.ValidateAsync(header[BearerPrefix.Length..].Trim());
        if (check.Unavailable)
        {
            LogProviderUnavailable(logger, context.FunctionDefinition.Name);
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, check.Error!);
        }

        if (check.Actor is not { } actor)
        {
            return Unauthorized(http, check.Error!);
        }

        // Known even when refused, so that the audit log records who was refused.
        CallerContext.Set(context, actor);
        if (!access.Roles.Any(r => actor.Roles.Contains(r, StringComparer.Ordinal)))
        {
            string carried = actor.Roles.Count == 0 ? "none" : string.Join(", ", actor.Roles);
            return ApiResults.Error(
                StatusCodes.Status403Forbidden,
                $"This endpoint needs {RoleList(access.Roles)}; the token of '{actor.Name}' carries: {carried}.");
        }

        return null;
    }

    /// <summary>A caller without a token: admitted on a valid function key where the endpoint and the settings allow one.</summary>
    private ObjectResult? AdmitOnKey(FunctionContext context, HttpContext http, FunctionAccess access)
    {
        string needsToken = $"a bearer token (header 'Authorization: Bearer <token>') carrying {RoleList(access.Roles)}";
        bool keyAllowed = access.AllowsFunctionKey && options.Value.AllowFunctionKeyForPredictions;
        string? presented = http.Request.Headers[KeyHeader].FirstOrDefault() ?? http.Request.Query[KeyQuery].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return Unauthorized(http, keyAllowed
                ? $"This endpoint needs {needsToken}, or {HowToSendAKey}."
                : $"This endpoint needs {needsToken}.");
        }

        if (!keyAllowed)
        {
            return Unauthorized(http, $"This endpoint does not accept a function key; it needs {needsToken}.");
        }

        if (!keys.Accepts(presented))
        {
            LogKeyRefused(logger, context.FunctionDefinition.Name, keys.Any);
            return Unauthorized(http, $"The function key presented is not valid; send a valid one or {needsToken}.");
        }

        CallerContext.Set(context, FunctionKeyCaller);
        return null;
    }

    private static string RoleList(IReadOnlyList<string> roles) =>
        roles.Count == 1 ? $"role '{roles[0]}'" : "one of the roles " + string.Join(", ", roles.Select(r => $"'{r}'"));

    private static ObjectResult Unauthorized(HttpContext http, string reason)
    {
        // RFC 6750: the challenge names the scheme, and why a presented token failed.
        http.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{new string(reason.Select(c => c is >= ' ' and <= '~' and not '"' ? c : '\'').ToArray())}\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized, reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} declares no roles; every call to it is refused.")]
    private static partial void LogUndeclared(ILogger logger, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call to {Function} presented a function key that is not valid (keys configured: {KeysConfigured})")]
    private static partial void LogKeyRefused(ILogger logger, string function, bool keysConfigured);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider's signing keys could not be fetched for a call to {Function}.")]
    private static partial void LogProviderUnavailable(ILogger logger, string function);
}
