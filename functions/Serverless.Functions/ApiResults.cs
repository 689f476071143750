using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Batch;
using Serverless.Core.Explanations;
using Serverless.Core.Monitoring.Feedback;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Core.Training;
using Serverless.Core.Serving;

namespace Serverless.Functions;

/// <summary>
/// Maps the core's errors to HTTP answers, each with a JSON body <c>{"error": "..."}</c> that says what happened: the
/// caller's mistakes are 4xx (bad input 400, unknown model 404, conflict 409, a body over the limit 413, a request over
/// a per-request limit 422), the platform's faults 5xx (a stored artifact that fails its check or cannot load 500,
/// storage out of reach or refusing the app 503, anything unexpected 500 with an id to quote, logged).
/// </summary>
internal static partial class ApiResults
{
    /// <summary>Runs <paramref name="action"/>, answering the errors it may raise; unexpected ones are logged and answered 500.</summary>
    public static async Task<IActionResult> HandleAsync(HttpRequest request, Func<Task<IActionResult>> action)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await action();
        }
        catch (Exception ex) when (Map(ex) is { } known)
        {
            return known;
        }
        catch (Exception ex) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            string id = request.HttpContext.TraceIdentifier;
            var logger = request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiResults).FullName!);
            LogUnexpected(logger, request.Path.Value ?? string.Empty, id, ex);
            return Error(StatusCodes.Status500InternalServerError, $"Internal error; quote id '{id}' when reporting it.");
        }
    }

    /// <summary>The answer to an error the platform knows, or null for an unexpected one.</summary>
    public static ObjectResult? Map(Exception exception) => exception switch
    {
        InvalidSpecException spec => new ObjectResult(new
        {
            error = spec.Errors.Count == 1 ? "The spec has 1 error, listed in 'errors' with its field." : $"The spec has {spec.Errors.Count} errors, each listed in 'errors' with its field.",
            errors = spec.Errors,
        })
        { StatusCode = StatusCodes.Status400BadRequest },
        RetrainingConflictException conflict => new ObjectResult(new { error = conflict.Message, instanceId = conflict.RunningInstanceId }) { StatusCode = StatusCodes.Status409Conflict },
        InvalidFeedbackException or InvalidInferenceRequestException or InvalidModelException or InvalidRegistryArgumentException or TrainingDataException or RetrainingException =>
            Error(StatusCodes.Status400BadRequest, exception.Message),
        ApprovalRefusedException => Error(StatusCodes.Status403Forbidden, exception.Message),
        UnknownPredictionException or ModelNotFoundException or SpecNotFoundException or DatasetNotFoundException or RetrainingNotFoundException => Error(StatusCodes.Status404NotFound, exception.Message),
        FeedbackConflictException or RegistryConflictException or NotAwaitingApprovalException or NoRollbackTargetException => Error(StatusCodes.Status409Conflict, exception.Message),
        BatchInputException => Error(StatusCodes.Status400BadRequest, exception.Message),
        BatchNotFoundException => Error(StatusCodes.Status404NotFound, exception.Message),
        BatchConflictException => Error(StatusCodes.Status409Conflict, exception.Message),
        ModelTooLargeException or DatasetTooLargeException => Error(StatusCodes.Status413PayloadTooLarge, exception.Message),
        RequestLimitExceededException or ExplanationUnavailableException => Error(StatusCodes.Status422UnprocessableEntity, exception.Message),
        ModelIntegrityException or ModelLoadException => Error(StatusCodes.Status500InternalServerError, exception.Message),
        RequestFailedException { Status: 401 or 403 } storage => Error(
            StatusCodes.Status503ServiceUnavailable,
            $"Storage refused access: check the app identity's roles on the storage account (blob, queue and table data roles; AppStorage). ({FirstLine(storage)})"),
        RequestFailedException { Status: 409 } storage => Error(StatusCodes.Status409Conflict, $"Storage reported a conflict; retry the request. ({FirstLine(storage)})"),
        RequestFailedException { Status: 0 or >= 500 } storage => Error(StatusCodes.Status503ServiceUnavailable, $"Storage is unavailable; try again shortly. ({FirstLine(storage)})"),
        _ => null,
    };

    public static ObjectResult Error(int status, string message) => new(new ErrorResponse(message)) { StatusCode = status };

    /// <summary>The JSON bytes as the response body.</summary>
    public static JsonBytesResult Json(ReadOnlyMemory<byte> body) => new(body);

    /// <summary>A value as a 200 JSON body, written by the source-generated serializer.</summary>
    public static JsonBytesResult Json<T>(T value, JsonTypeInfo<T> typeInfo) => new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>JSON read from callers: a field the type does not have is refused, so a misspelt one never passes silently as its default.</summary>
    public static readonly JsonSerializerOptions StrictJson = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// Reads a JSON body of at most <paramref name="limit"/> bytes as <typeparamref name="T"/>: the value, or null for
    /// an empty body, or the 413/400 answer (naming <paramref name="shape"/>, what the body must be) to return instead.
    /// </summary>
    public static async Task<(T? Body, IActionResult? Error)> ReadJsonAsync<T>(HttpRequest request, long limit, string shape, CancellationToken cancellationToken)
        where T : class
    {
        if (await ReadBodyAsync(request, limit, cancellationToken) is not { } bytes)
        {
            return (null, Error(StatusCodes.Status413PayloadTooLarge, $"The body must be {shape}, at most {limit} bytes."));
        }

        if (bytes.Length == 0)
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(bytes, StrictJson), null);
        }
        catch (JsonException ex)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"The body must be {shape}: {ex.Message}"));
        }
    }

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

    private static string FirstLine(RequestFailedException exception) => exception.Message.Split('\n')[0].Trim();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Path} (id {Id})")]
    private static partial void LogUnexpected(ILogger logger, string path, string id, Exception exception);
}
