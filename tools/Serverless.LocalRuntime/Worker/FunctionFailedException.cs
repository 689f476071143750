using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Serverless.LocalRuntime.Worker;

/// <summary>The worker reported an invocation as failed; carries the function's exception as the worker described it.</summary>
internal sealed class FunctionFailedException : Exception
{
    public FunctionFailedException()
    {
    }

    public FunctionFailedException(string message)
        : base(message)
    {
    }

    public FunctionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionFailedException(string functionName, RpcException? exception)
        : base($"Function '{functionName}' failed: {exception?.Type}: {exception?.Message}")
    {
        IsUserException = exception?.IsUserException ?? false;
    }

    /// <summary>Whether the function's own code threw, rather than the worker.</summary>
    public bool IsUserException { get; }
}
