using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Serving;

namespace Serverless.Functions.Server;

/// <summary>
/// Answers any path no other function serves with a JSON 404, so that callers get the protocol's error body instead
/// of an empty response. Routing prefers every literal route over this catch-all.
/// </summary>
public static class NotFoundFunction
{
    /// <summary>Any method on an unknown path.</summary>
    [Function("NotFound")]
    public static IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequest request) =>
        new NotFoundObjectResult(new ErrorResponse(
            $"No endpoint serves {request.Method} {request.Path}. The Open Inference Protocol endpoints are under /v2."));
}
