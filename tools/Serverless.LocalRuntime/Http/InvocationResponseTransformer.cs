using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.LocalRuntime.Http;

/// <summary>
/// Turns a failed invocation into a 500 with a JSON body. When a function throws, the worker ends the forwarded request
/// with an empty 200; an empty answer is therefore held until the invocation's outcome is known. An answer with a body
/// is streamed at once (waiting for the invocation first could deadlock on a large body).
/// </summary>
internal sealed class InvocationResponseTransformer(Task<InvocationResponse> invocation, string functionName, string invocationId) : HttpTransformer
{
    private InvocationResponse? _response;

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (proxyResponse?.Content.Headers.ContentLength == 0)
        {
            var response = await ResultAsync();
            if (response is null || response.Result.Status != StatusResult.Types.Status.Success)
            {
                string reason = response?.Result.Exception is { } exception ? $"{exception.Type}: {exception.Message}" : "the worker went away";
                await JsonErrors.WriteAsync(httpContext, StatusCodes.Status500InternalServerError,
                    $"Function '{functionName}' failed (invocation {invocationId}): {reason}");
                return false;
            }
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <summary>The invocation's answer, or null when the worker went away or it was cancelled.</summary>
    public async Task<InvocationResponse?> ResultAsync()
    {
        if (_response is not null)
        {
            return _response;
        }

        try
        {
            _response = await invocation;
        }
        catch (Exception ex) when (ex is Worker.WorkerUnavailableException or OperationCanceledException)
        {
            return null;
        }

        return _response;
    }
}
