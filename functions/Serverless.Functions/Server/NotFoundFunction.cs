using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Serving;
using Serverless.Functions.Identity;

namespace Serverless.Functions.Server;

/// <summary>
/// Answers any path no other function serves with a JSON 404, so that callers get the protocol's error body instead
/// of an empty response. Routing prefers every literal route over this catch-all. Under an empty route prefix a plain
/// <c>{*path}</c> would also match the host's own <c>/admin/...</c> and <c>/runtime/webhooks/...</c> paths and, on the
/// Functions host, hide them (azure-functions-host issues 2590 and 6990); the constraint leaves those to the host.
/// </summary>
public static class NotFoundFunction
{
    /// <summary>Every path except the host's reserved <c>admin</c> and <c>runtime</c> prefixes.</summary>
    public const string Route = "{*path:regex(^(?!(?i:admin|runtime)(/|$)).*$)}";

    /// <summary>Any method on an unknown path.</summary>
    [Public]
    [Function("NotFound")]
    public static IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = Route)] HttpRequest request) =>
        new NotFoundObjectResult(new ErrorResponse(
            $"No endpoint serves {request.Method} {request.Path}. The Open Inference Protocol endpoints are under /v2."));
}
