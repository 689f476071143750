namespace Serverless.Demo.Traffic;

/// <summary>What the traffic did, in one second or all together.</summary>
public sealed class TrafficTotals
{
    /// <summary>Predictions sent.</summary>
    public int Sent { get; set; }

    /// <summary>Predictions that failed (a non-2xx answer or no answer).</summary>
    public int Errors { get; set; }

    /// <summary>Predictions answered approved.</summary>
    public int Approved { get; set; }

    /// <summary>Feedback the platform recorded.</summary>
    public int FeedbackRecorded { get; set; }

    /// <summary>Feedback refused with 404: the prediction was not sampled (or its sample was not stored yet).</summary>
    public int FeedbackNotSampled { get; set; }

    /// <summary>Feedback that failed otherwise.</summary>
    public int FeedbackErrors { get; set; }

    /// <summary>The last failure seen, for the second's line.</summary>
    public string? LastError { get; set; }

    /// <summary>Adds <paramref name="other"/>'s counts to these.</summary>
    public void Add(TrafficTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Sent += other.Sent;
        Errors += other.Errors;
        Approved += other.Approved;
        FeedbackRecorded += other.FeedbackRecorded;
        FeedbackNotSampled += other.FeedbackNotSampled;
        FeedbackErrors += other.FeedbackErrors;
    }
}
