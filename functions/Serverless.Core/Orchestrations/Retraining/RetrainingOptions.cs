namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Where the retraining line keeps its runs (section <c>Retraining</c>).</summary>
public sealed class RetrainingOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Retraining";

    /// <summary>Table of retraining runs, the per-model lock and the candidates' reviews; one partition per model.</summary>
    public string Table { get; set; } = "retrainings";
}
