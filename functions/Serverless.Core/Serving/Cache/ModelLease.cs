using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Cache;

/// <summary>
/// A loaded model borrowed from the <see cref="ModelCache"/>: the cache does not unload a model while a lease on it is
/// held. Dispose the lease when the request is done.
/// </summary>
internal sealed class ModelLease : IDisposable
{
    private readonly Action _release;
    private int _released;

    public ModelLease(LoadedModel model, Action release)
    {
        Model = model;
        _release = release;
    }

    /// <summary>The loaded model.</summary>
    public LoadedModel Model { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }
    }
}
