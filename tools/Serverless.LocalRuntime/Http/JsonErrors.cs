using System.Text.Json;

namespace Serverless.LocalRuntime.Http;

/// <summary>The host's own error answers: always JSON <c>{"error": "..."}</c>, as the app's are.</summary>
internal static class JsonErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message }), context.RequestAborted);
    }

    public static IResult Result(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
