namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Where the retraining line keeps its runs (section <c>Retraining</c>).</summary>
public sealed class RetrainingOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Retraining";

    /// <summary>Table of retraining runs, the per-model lock and the candidates' reviews; one partition per model.</summary>
    public string Table { get; set; } = "retrainings";

    /// <summary>The "new data" queue (the same setting its queue trigger reads, on <c>AzureWebJobsStorage</c>).</summary>
    public string Queue { get; set; } = "retrain-requests";

    /// <summary>How long a "new data" message waits before it is tried again when the model's retraining is running.</summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromMinutes(2);
}
