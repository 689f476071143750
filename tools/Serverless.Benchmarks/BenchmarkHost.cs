using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>The host as tools/run starts it (Release build) with the sample settings and its worker's logs quiet.</summary>
internal sealed class BenchmarkHost(string storage, string runtimeDll, string appFolder, string? settingsPath)
{
    /// <summary>The storage connection the hosts use.</summary>
    public string Storage { get; } = storage;

    /// <summary>Starts a host; <paramref name="settings"/> go in as environment variables, which win over the file as under Core Tools.</summary>
    public Task<HostProcess> StartAsync(Dictionary<string, string> settings)
    {
        settings["AzureWebJobsStorage"] = Storage;
        settings["AppStorage"] = Storage;
        settings["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning";
        return HostProcess.StartAsync(new HostProcessOptions
        {
            HostAssembly = runtimeDll,
            ScriptRoot = appFolder,
            SettingsPath = settingsPath,
            Environment = settings,
            ReadyPath = "v2/health/ready",
        });
    }
}
