namespace Serverless.LocalRuntime.Launching;

/// <summary>How <see cref="HostProcess"/> starts the local Functions host.</summary>
public sealed class HostProcessOptions
{
    /// <summary>The host's built <c>Serverless.LocalRuntime.dll</c>.</summary>
    public required string HostAssembly { get; init; }

    /// <summary>The Functions app's build output, which the host launches as its worker.</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>A <c>local.settings.json</c> to read, if any.</summary>
    public string? SettingsPath { get; init; }

    /// <summary>Environment variables (app settings) for the host and so its worker.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The path that answers 200 once the host serves.</summary>
    public string ReadyPath { get; init; } = "v2/health/live";

    /// <summary>How long the host may take to serve.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
