namespace Serverless.Core.Batch;

/// <summary>Batch scoring over files (section <c>Batch</c>).</summary>
public sealed class BatchOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Batch";

    /// <summary>Rows per chunk: each chunk is one activity, one ONNX Runtime call and one output file.</summary>
    public int ChunkRows { get; set; } = 50000;

    /// <summary>Chunks one batch scores at once.</summary>
    public int MaxParallelChunks { get; set; } = 4;

    /// <summary>Comma-separated containers (in <c>AppStorage</c>) a batch may read its input from.</summary>
    public string InputContainers { get; set; } = "batch-inputs";

    /// <summary>Comma-separated containers (in <c>AppStorage</c>) a batch may write its output to; the first is where a batch started by a file landing writes.</summary>
    public string OutputContainers { get; set; } = "batch-outputs";

    /// <summary>Queue (on <c>AzureWebJobsStorage</c>) of Event Grid BlobCreated events that start batches.</summary>
    public string EventQueue { get; set; } = "batch-events";

    /// <summary><see cref="InputContainers"/> as a list.</summary>
    public IReadOnlyList<string> InputContainerList => Split(InputContainers);

    /// <summary><see cref="OutputContainers"/> as a list.</summary>
    public IReadOnlyList<string> OutputContainerList => Split(OutputContainers);

    private static string[] Split(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
