using Microsoft.AspNetCore.Http.Features;

namespace Serverless.LocalRuntime.Http;

/// <summary>
/// The host's request body limit, the Functions host's <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> (default 100 MiB): a
/// larger body gets 413 with a JSON body, whether its length is declared or it is chunked.
/// </summary>
internal static class RequestSizeLimit
{
    public const string Setting = "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT";
    public const long DefaultBytes = 104_857_600;

    public static long Read(IConfiguration configuration) =>
        long.TryParse(configuration[Setting], out long value) && value > 0 ? value : DefaultBytes;

    public static string Message(HttpContext context) =>
        $"The request body is larger than the {context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? DefaultBytes} bytes the host accepts ({Setting}).";

    /// <summary>Answers a declared length over the limit before anything is forwarded.</summary>
    public static async Task EnforceAsync(HttpContext context, RequestDelegate next)
    {
        long? limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (limit is not null && context.Request.ContentLength > limit)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, Message(context));
            return;
        }

        await next(context);
    }
}
