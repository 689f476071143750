namespace Serverless.Core.Storage;

/// <summary>How the readiness probe checks storage.</summary>
public sealed class StorageHealthOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Health";

    /// <summary>How long one readiness check may wait for storage before it reports not ready.</summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
