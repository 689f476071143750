using System.Buffers;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Serverless.Core.Registry;
using Serverless.Core.Serving;

namespace Serverless.Functions;

/// <summary>
/// Maps the core's errors to the protocol's error body: bad input 400, unknown model or version 404, a body over the
/// limit 413, an artifact that fails its hash check 500, storage out of reach 503.
/// </summary>
internal static class ApiResults
{
    public static async Task<IActionResult> HandleAsync(Func<Task<IActionResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidModelException or InvalidInferenceRequestException)
        {
            return new BadRequestObjectResult(new ErrorResponse(ex.Message));
        }
        catch (ModelNotFoundException ex)
        {
            return new NotFoundObjectResult(new ErrorResponse(ex.Message));
        }
        catch (ModelIntegrityException ex)
        {
            return Error(StatusCodes.Status500InternalServerError, ex.Message);
        }
        catch (RequestFailedException ex) when (ex.Status is 0 or >= 500)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, $"Storage is unavailable; try again shortly. ({ex.Message.Split('\n')[0]})");
        }
    }

    public static ObjectResult Error(int status, string message) => new(new ErrorResponse(message)) { StatusCode = status };

    /// <summary>The JSON bytes as the response body.</summary>
    public static JsonBytesResult Json(byte[] body) => new(body);

    /// <summary>
    /// Reads the request body, or returns null when it is longer than <paramref name="limit"/> (by its Content-Length or
    /// once that many bytes have arrived).
    /// </summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        if (request.ContentLength is long length)
        {
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        // Chunked: read in pooled pieces until the limit is passed or the body ends.
        using var buffer = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
