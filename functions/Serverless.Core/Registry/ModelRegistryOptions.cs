namespace Serverless.Core.Registry;

/// <summary>Where and how the registry stores models (section <c>Registry</c>).</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Registry";

    /// <summary>Largest ONNX file accepted, uploaded or by reference; a larger one is refused with 413.</summary>
    public long MaxModelBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Blob container of the artifacts, named by their SHA-256.</summary>
    public string ArtifactContainer { get; set; } = "models";

    /// <summary>Table of models, versions, aliases and their history; one partition per model.</summary>
    public string Table { get; set; } = "models";

    /// <summary>
    /// Comma-separated blob containers a registration by reference may read from. Only these: a reference must not be
    /// able to read the platform's other blobs (artifacts, self-check probes, the host's keys).
    /// </summary>
    public string ReferenceContainers { get; set; } = "model-uploads";

    /// <summary>The containers of <see cref="ReferenceContainers"/>, trimmed.</summary>
    internal IReadOnlyList<string> ReferenceContainerList =>
        ReferenceContainers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
