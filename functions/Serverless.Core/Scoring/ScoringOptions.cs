namespace Serverless.Core.Scoring;

/// <summary>Event scoring through queues (section <c>Scoring</c>).</summary>
public sealed class ScoringOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Scoring";

    /// <summary>Queue (on <c>AzureWebJobsStorage</c>) of score requests; its trigger reads the same setting.</summary>
    public string RequestQueue { get; set; } = "score-requests";

    /// <summary>Queue results go to when a request names no <c>replyQueue</c>.</summary>
    public string ResultQueue { get; set; } = "score-results";
}
