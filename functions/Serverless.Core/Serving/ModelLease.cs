namespace Serverless.Core.Serving;

/// <summary>
/// A loaded model borrowed from the <see cref="ModelCache"/>: the cache does not dispose a model while a lease on it
/// is held, even when it evicts it. Dispose the lease when the request is done.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private readonly Action _release;
    private int _released;

    internal ModelLease(LoadedModel model, Action release)
    {
        Model = model;
        _release = release;
    }

    /// <summary>The loaded model.</summary>
    public LoadedModel Model { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }
    }
}
