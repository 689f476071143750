using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Serverless.Functions;

/// <summary>
/// A response whose body is JSON already encoded as UTF-8: written as is, without MVC's file or formatter machinery,
/// which the prediction endpoints would pay for on every request.
/// </summary>
public sealed class JsonBytesResult(ReadOnlyMemory<byte> body, int statusCode = StatusCodes.Status200OK) : IActionResult
{
    /// <summary>The encoded body.</summary>
    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>The response's status code.</summary>
    public int StatusCode { get; } = statusCode;

    /// <inheritdoc/>
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, context.HttpContext.RequestAborted).AsTask();
    }
}
