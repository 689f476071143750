namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// The lifetime the Durable Task sidecar (<c>TaskHubGrpcServer</c>) sees, apart from the host's own. The sidecar starts
/// its dispatchers on "started" and stops them, from an <c>async void</c> handler, on "stopping"; stopping a DTFx Azure
/// Storage service that never started throws there and would take the whole process down (a storage outage at start-up
/// is enough). So "started" is signalled only once the task hub exists and work items are about to flow, "stopping"
/// only after that, and the handler's continuations run on a context that logs instead of crashing. The sources are
/// never disposed: the sidecar's background loops read these tokens after the host has been disposed, and a disposed
/// source throws there, on a thread-pool thread, taking the process down.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The tokens must stay readable for the sidecar's loops; see the remarks above.")]
internal sealed partial class SidecarLifetime(ILogger<SidecarLifetime> logger) : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopped = new();

    public CancellationToken ApplicationStarted => _started.Token;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => _stopped.Token;

    public void Start()
    {
        if (!_started.IsCancellationRequested)
        {
            Guarded(_started);
        }
    }

    public void StopApplication()
    {
        if (!_started.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            return;
        }

        Guarded(_stopping);
        _stopped.Cancel();
    }

    /// <summary>Signals <paramref name="source"/>; the sidecar's async void handlers it runs report failures to the log.</summary>
    private void Guarded(CancellationTokenSource source)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new GuardedContext(logger));
        try
        {
            source.Cancel();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Durable Task sidecar's dispatcher failed to start or stop")]
    private static partial void LogStopFailed(ILogger logger, Exception exception);

    /// <summary>Runs posted work on the thread pool; an exception (an async void's) is logged, not rethrown.</summary>
    private sealed class GuardedContext(ILogger logger) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    d(state);
                }
                catch (Exception ex)
                {
                    LogStopFailed(logger, ex);
                }
            });

        public override SynchronizationContext CreateCopy() => new GuardedContext(logger);
    }
}
