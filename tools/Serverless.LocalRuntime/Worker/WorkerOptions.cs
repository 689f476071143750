namespace Serverless.LocalRuntime.Worker;

/// <summary>Where the worker is and how it is started.</summary>
internal sealed class WorkerOptions
{
    /// <summary>The app's build output folder (holds the worker assembly, host.json, functions.metadata).</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>App settings handed to the worker as environment variables.</summary>
    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }

    /// <summary>
    /// Whether the app setting <c>AzureWebJobs.{name}.Disabled</c> (or <c>AzureWebJobs__{name}__Disabled</c>, the form an
    /// environment variable can carry) disables a function: as in the Functions host, it gets no trigger (no listener,
    /// no schedule, no route).
    /// </summary>
    public Func<string, bool> IsDisabled { get; init; } = _ => false;

    /// <summary>How long a worker may take from process start to loaded functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a worker gets to finish after <c>WorkerTerminate</c> before it is killed.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
}
