namespace Serverless.Core.Monitoring.Sampling;

/// <summary>How predictions are sampled, shipped and stored for monitoring (section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>Share of predictions (rows) sampled, from 0 (none) to 1 (all); a spec's <c>monitoring.sampleRate</c> overrides it.</summary>
    public double SampleRate { get; set; } = 0.1;

    /// <summary>How often serving reads a model's spec again for its sample rate (a spec stored on the same instance counts at once).</summary>
    public TimeSpan SampleRateRefresh { get; set; } = TimeSpan.FromSeconds(30);

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

    /// <summary>NCRONTAB schedule (six fields, with seconds) of the timer that evaluates closed windows.</summary>
    public string EvaluationSchedule { get; set; } = "0 */1 * * * *";

    /// <summary>How long after a window ends it is evaluated, so that samples still in the buffer or the queue are in it.</summary>
    public TimeSpan EvaluationDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most models evaluated at once by one timer run.</summary>
    public int EvaluationConcurrency { get; set; } = 8;

    /// <summary>Table (on <c>AppStorage</c>) of the window evaluations, the windows waiting for one, and the alerts.</summary>
    public string EvaluationTable { get; set; } = "monitoring";

    /// <summary>Queue (on <c>AzureWebJobsStorage</c>, Base64 like every queue the app uses) every alert is published to, for operators and their tools to subscribe to.</summary>
    public string AlertQueue { get; set; } = "monitoring-alerts";

    /// <summary>Blob container (on <c>AppStorage</c>) of each version's monitoring baseline (<c>baselines/{model}/{version}.json</c>).</summary>
    public string BaselineContainer { get; set; } = "monitoring";

    /// <summary>Fewest samples of a version in a window for its drift tests and control-chart points.</summary>
    public int MinimumSamples { get; set; } = 50;

    /// <summary>Default control limits, in standard deviations from the centre line (1 to 6); a spec's <c>monitoring.controlLimitSigma</c> overrides it.</summary>
    public double ControlLimitSigma { get; set; } = 3;

    /// <summary>Default PSI above which a feature or the prediction drifts; a spec's <c>monitoring.psiThreshold</c> overrides it.</summary>
    public double PsiThreshold { get; set; } = 0.25;

    /// <summary>Default p-value (KS, chi-square) below which a feature or the prediction drifts; a spec's <c>monitoring.pValueThreshold</c> overrides it.</summary>
    public double PValueThreshold { get; set; } = 0.01;

    /// <summary>Default guardrail action, <c>rollback</c> or <c>alert</c>; a spec's <c>monitoring.guardrail.action</c> overrides it.</summary>
    public string GuardrailAction { get; set; } = "rollback";

    /// <summary>Default number of breached windows in a row before the guardrail acts; a spec's <c>monitoring.guardrail.windows</c> overrides it.</summary>
    public int GuardrailWindows { get; set; } = 3;

    /// <summary>How many recent windows the control charts and <c>GET /models/{name}/monitoring</c> show.</summary>
    public int HistoryWindows { get; set; } = 24;
}
