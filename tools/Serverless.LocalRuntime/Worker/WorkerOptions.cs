namespace Serverless.LocalRuntime.Worker;

/// <summary>Where the worker is and how it is started.</summary>
internal sealed class WorkerOptions
{
    /// <summary>The app's build output folder (holds the worker assembly, host.json, functions.metadata).</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>App settings handed to the worker as environment variables.</summary>
    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }

    /// <summary>How long a worker may take from process start to loaded functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a worker gets to finish after <c>WorkerTerminate</c> before it is killed.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
}
