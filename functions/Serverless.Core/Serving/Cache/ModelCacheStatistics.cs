using System.Text.Json.Serialization;

namespace Serverless.Core.Serving.Cache;

/// <summary>Counters of the model cache since the process started, and what it holds now.</summary>
/// <param name="LoadedModels">Models in memory (or loading) now.</param>
/// <param name="LoadedBytes">Their artifacts' bytes.</param>
/// <param name="Hits">Requests that found their model in memory or loading.</param>
/// <param name="Misses">Requests that started a load.</param>
/// <param name="Loads">Loads that succeeded.</param>
/// <param name="LoadFailures">Loads that failed (download, integrity or ONNX Runtime).</param>
/// <param name="Evictions">Models unloaded to stay within the count and byte bounds.</param>
/// <param name="IdleUnloads">Models unloaded after their idle period.</param>
public sealed record ModelCacheStatistics(
    [property: JsonPropertyName("loadedModels")] int LoadedModels,
    [property: JsonPropertyName("loadedBytes")] long LoadedBytes,
    [property: JsonPropertyName("hits")] long Hits,
    [property: JsonPropertyName("misses")] long Misses,
    [property: JsonPropertyName("loads")] long Loads,
    [property: JsonPropertyName("loadFailures")] long LoadFailures,
    [property: JsonPropertyName("evictions")] long Evictions,
    [property: JsonPropertyName("idleUnloads")] long IdleUnloads);
