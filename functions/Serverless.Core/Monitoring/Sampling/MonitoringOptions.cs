namespace Serverless.Core.Monitoring.Sampling;

/// <summary>How predictions are sampled, shipped and stored for monitoring (section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>Share of predictions (rows) sampled, from 0 (none) to 1 (all).</summary>
    public double SampleRate { get; set; } = 0.1;

    /// <summary>Most samples one instance holds waiting to be sent; beyond it samples are dropped and counted.</summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Most samples in one queue message (a message is also split to stay within the queue's size limit).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest a sample waits in the buffer before a partial batch is sent.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Queue (on <c>AzureWebJobsStorage</c>) the batches of samples are sent to.</summary>
    public string SampleQueue { get; set; } = "prediction-samples";

    /// <summary>Table (on <c>AppStorage</c>) the samples are stored in, one partition per model and window.</summary>
    public string SampleTable { get; set; } = "samples";

    /// <summary>Blob container (on <c>AppStorage</c>) the samples are written to as Parquet files per window.</summary>
    public string SampleContainer { get; set; } = "samples";

    /// <summary>Length of the time windows samples are grouped by (it must divide a day evenly).</summary>
    public TimeSpan WindowLength { get; set; } = TimeSpan.FromMinutes(5);
}
