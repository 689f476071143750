using System.Net;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Serverless.LocalRuntime.Bindings;
using Serverless.LocalRuntime.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.LocalRuntime.Http;

/// <summary>
/// Runs an HTTP function as the Functions host does with the ASP.NET Core integration: the client's request is
/// forwarded (YARP, as the host does) to the worker's own HTTP address with the invocation id in
/// <c>x-ms-invocation-id</c>, while the matching invocation, with the route values as trigger metadata, goes over gRPC.
/// </summary>
internal sealed partial class HttpTriggerProxy(
    WorkerHost worker,
    IHttpForwarder forwarder,
    FunctionKeyAuthorizer keys,
    InputBindings inputs,
    OutputBindings outputs,
    ILogger<HttpTriggerProxy> logger) : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    // The worker's Kestrel speaks HTTP/1.1 on its loopback port; asking for it saves a version negotiation per request.
    private readonly ForwarderRequestConfig _config = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(10),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public RequestDelegate Handler(WorkerFunction function) => context => HandleAsync(function, context);

    public void Dispose() => _invoker.Dispose();

    private async Task HandleAsync(WorkerFunction function, HttpContext context)
    {
        if (!keys.IsAuthorized(context.Request, function.Trigger.GetString("authLevel")))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                $"Function '{function.Name}' requires a key: pass it as the 'code' query parameter or the 'x-functions-key' header.");
            return;
        }

        if (worker.HttpUri is not { } workerUri)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The worker process is starting; try again shortly.");
            return;
        }

        // An empty RpcHttp, as the host sends a worker that proxies (its EmptyRpcHttp): no headers, no identities. The
        // request, key header and code query included, reaches the worker as it came, so the app checks keys itself.
        var request = function.CreateInvocation(new TypedData { Http = new RpcHttp() });
        string invocationId = request.InvocationId;
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is not null)
            {
                request.TriggerMetadata[name] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        inputs.AddTo(function, request, InputBindings.BaseUrlOf(context.Request));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task<InvocationResponse> invocation;
        try
        {
            invocation = worker.InvokeAsync(function, request, cancel.Token);
        }
        catch (WorkerUnavailableException ex)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message + " Try again shortly.");
            return;
        }

        context.Request.Headers[InvocationIdHeader] = invocationId;
        var transformer = new InvocationResponseTransformer(invocation, function.Name, invocationId);
        var error = await forwarder.SendAsync(context, workerUri.ToString(), _invoker, _config, transformer);
        if (error != ForwarderError.None)
        {
            await cancel.CancelAsync();
            await AnswerForwardingErrorAsync(context, error, invocation);
            return;
        }

        var response = await transformer.ResultAsync();
        if (response is { Result.Status: StatusResult.Types.Status.Failure } && context.Response.HasStarted)
        {
            LogFailedAfterResponse(logger, function.Name, invocationId, response.Result.Exception?.Message);
        }
        else if (response is { Result.Status: StatusResult.Types.Status.Success })
        {
            await outputs.WriteAsync(function, response, request.TriggerMetadata, null, context.RequestAborted);
        }
    }

    private async Task AnswerForwardingErrorAsync(HttpContext context, ForwarderError error, Task<InvocationResponse> invocation)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        LogForwardingFailed(logger, exception, error.ToString());
        if (context.Response.HasStarted)
        {
            return;
        }

        // YARP may have set a status already; the answer is replaced by one that says what happened.
        context.Response.Clear();
        if (TooLarge(exception))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, RequestSizeLimit.Message(context));
        }
        else if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled || context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499;
        }
        else if (invocation.IsFaulted && invocation.Exception?.InnerException is WorkerUnavailableException)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The worker process went away while handling the request; try again shortly.");
        }
        else if (error is ForwarderError.RequestBodyClient)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "The request body could not be read: " + exception?.Message);
        }
        else
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status502BadGateway, $"The worker did not answer the request ({error}: {exception?.Message}).");
        }
    }

    /// <summary>Kestrel's "body too large", however deep the forwarder wrapped it.</summary>
    private static bool TooLarge(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding a request to the worker failed: {Error}")]
    private static partial void LogForwardingFailed(ILogger logger, Exception? exception, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} (invocation {InvocationId}) failed after its response had started: {Message}")]
    private static partial void LogFailedAfterResponse(ILogger logger, string functionName, string invocationId, string? message);
}
