namespace Serverless.Core.Serving;

/// <summary>How models are served and cached, and what one request may cost (section <c>Serving</c>).</summary>
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

    /// <summary>Local folder of downloaded artifacts, one folder per hash; empty means a folder under the temp path.</summary>
    public string CacheDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Longest an instance serves an alias (such as <c>production</c>) without reading it again: a resolution older
    /// than this is re-read before the request is answered, and one older than half of it is refreshed in the
    /// background, so a promotion or rollback is served by every instance within this interval, idle or not.
    /// </summary>
    public TimeSpan AliasRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Threads ONNX Runtime may use inside one request. 1 suits many small concurrent requests (the requests themselves
    /// run in parallel); raise it for large models served at low concurrency.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Most values one request's outputs may hold together; a run that gives more is refused with 422.</summary>
    public long MaxOutputElements { get; set; } = 10_000_000;

    /// <summary>Largest response body one request may produce; a larger one is refused with 422.</summary>
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest one ONNX Runtime run may take; it is terminated then and the request refused with 422.</summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most memory ONNX Runtime may hold for running requests, all requests of the instance together (one CPU arena
    /// shared by every session; model weights are not counted here but in <see cref="MaxLoadedBytes"/>). A run that
    /// needs more fails with 422, and the arena gives its memory back after each run. Fixed by the first session the
    /// process creates.
    /// </summary>
    public long MaxInferenceMemoryBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Most copies of requests waiting for an alias's shadow version on one instance; beyond it a copy is dropped and
    /// counted (the caller is never kept waiting for a shadow).
    /// </summary>
    public int ShadowQueueCapacity { get; set; } = 1000;

    /// <summary>Table of the shadow comparisons: a row per compared prediction, one partition per model.</summary>
    public string ShadowTable { get; set; } = "shadowcomparisons";
}
