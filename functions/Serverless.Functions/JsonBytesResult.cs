using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Serverless.Functions;

/// <summary>
/// A 200 response whose body is JSON already encoded as UTF-8: written as is, without MVC's file or formatter machinery,
/// which the prediction endpoints would pay for on every request.
/// </summary>
public sealed class JsonBytesResult(byte[] body) : IActionResult
{
    /// <summary>The encoded body.</summary>
    public byte[] Body { get; } = body;

    /// <inheritdoc/>
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, context.HttpContext.RequestAborted).AsTask();
    }
}
