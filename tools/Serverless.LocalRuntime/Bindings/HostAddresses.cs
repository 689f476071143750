namespace Serverless.LocalRuntime.Bindings;

/// <summary>The host's own addresses, known once Kestrel listens.</summary>
internal sealed class HostAddresses
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _public;
    private Uri? _grpc;

    /// <summary>Completes once both addresses are known.</summary>
    public Task Listening => _listening.Task;

    /// <summary>The address clients call (HTTP triggers, admin, durable webhooks).</summary>
    public Uri Public => _public ?? throw new InvalidOperationException("The host is not listening yet.");

    /// <summary>The address the worker's gRPC clients call (FunctionRpc, the Durable Task sidecar).</summary>
    public Uri Grpc => _grpc ?? throw new InvalidOperationException("The host is not listening yet.");

    public void Set(Uri publicAddress, Uri grpcAddress)
    {
        _public = publicAddress;
        _grpc = grpcAddress;
        _listening.TrySetResult();
    }
}
