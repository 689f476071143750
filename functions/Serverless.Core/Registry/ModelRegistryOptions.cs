namespace Serverless.Core.Registry;

/// <summary>Where and how the registry stores models (section <c>Registry</c>).</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Registry";

    /// <summary>Largest ONNX file accepted; a larger upload is refused with 413.</summary>
    public long MaxModelBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Blob container of the artifacts, named by their SHA-256.</summary>
    public string ArtifactContainer { get; set; } = "models";

    /// <summary>Table of models, versions, aliases and their history; one partition per model.</summary>
    public string Table { get; set; } = "models";
}
