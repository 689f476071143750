namespace Serverless.Core.Training;

/// <summary>Where specs and datasets are stored and which data a spec may read (section <c>Training</c>).</summary>
public sealed class TrainingOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Training";

    /// <summary>Table of specs: one partition per model, one row per version and a head row with the latest.</summary>
    public string SpecTable { get; set; } = "specs";

    /// <summary>Table of dataset uploads and snapshots.</summary>
    public string DatasetTable { get; set; } = "datasets";

    /// <summary>Blob container of uploaded and snapshotted data, named by its SHA-256, and of baseline statistics.</summary>
    public string DatasetContainer { get; set; } = "datasets";

    /// <summary>
    /// Comma-separated blob containers a spec's <c>data.source</c> may read. Only these: a spec must not be able to
    /// read the platform's other blobs (artifacts, the host's keys).
    /// </summary>
    public string DataContainers { get; set; } = "training-data";

    /// <summary>Largest dataset accepted, uploaded or read from a blob; an upload over it is refused with 413.</summary>
    public long MaxDatasetBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The containers of <see cref="DataContainers"/>, trimmed.</summary>
    internal IReadOnlyList<string> DataContainerList =>
        DataContainers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
