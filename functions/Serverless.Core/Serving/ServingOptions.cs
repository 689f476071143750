namespace Serverless.Core.Serving;

/// <summary>How models are served and cached (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Serving";

    /// <summary>Largest inference or prediction request body; a larger one is refused with 413.</summary>
    public long MaxRequestBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most models held in memory at once; the least recently used is unloaded beyond it.</summary>
    public int MaxLoadedModels { get; set; } = 256;

    /// <summary>Most artifact bytes held in memory at once; the least recently used model is unloaded beyond it.</summary>
    public long MaxLoadedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>A model not used for this long is unloaded (scale to zero, per model).</summary>
    public TimeSpan IdleUnloadAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Local folder of downloaded artifacts, named by hash; empty means a folder under the temp path.</summary>
    public string CacheDirectory { get; set; } = string.Empty;

    /// <summary>
    /// How old a resolved alias (such as <c>production</c>) may get before a request starts a background re-read from
    /// the registry. Requests never wait for that read, so an instance serves the previous version for at most this
    /// long (plus one request) after a promotion or rollback, and keeps serving while storage is unreachable.
    /// </summary>
    public TimeSpan AliasRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Threads ONNX Runtime may use inside one request. 1 suits many small concurrent requests (the requests themselves
    /// run in parallel); raise it for large models served at low concurrency.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;
}
