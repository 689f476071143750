using System.Net.Http.Headers;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;
using Serverless.LocalRuntime.Launching;

namespace Serverless.Benchmarks;

/// <summary>The host as tools/run starts it (Release build) with the sample settings and its worker's logs quiet.</summary>
internal sealed class BenchmarkHost(string storage, string runtimeDll, string appFolder, string? settingsPath)
{
    /// <summary>The storage connection the hosts use.</summary>
    public string Storage { get; } = storage;

    /// <summary>Starts a host; <paramref name="settings"/> go in as environment variables, which win over the file as under Core Tools.</summary>
    public async Task<HostProcess> StartAsync(Dictionary<string, string> settings)
    {
        settings["AzureWebJobsStorage"] = Storage;
        settings["AppStorage"] = Storage;
        settings["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning";

        // A development issuer of the benchmark's own: its client sends a token with every role (predictions measured
        // with wrk go on the function key, as applications' do).
        settings["Auth__SigningKey"] = SigningKey;
        settings["Auth__Issuer"] = Issuer;
        settings["Auth__Audience"] = Issuer;
        settings["Auth__FunctionKeys"] = FunctionKey;
        var host = await HostProcess.StartAsync(new HostProcessOptions
        {
            HostAssembly = runtimeDll,
            ScriptRoot = appFolder,
            SettingsPath = settingsPath,
            Environment = settings,
            ReadyPath = "v2/health/ready",
        });
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", DevelopmentTokens.Mint(SigningKey, Issuer, Issuer, "benchmark", "benchmark", PlatformRoles.All, TimeSpan.FromHours(12)));
        return host;
    }

    /// <summary>The function key the hosts accept: wrk sends it with every request (<see cref="Wrk"/>), as applications do.</summary>
    public const string FunctionKey = "benchmark-function-key-0123456789";

    private const string Issuer = "https://serverless.local/benchmark";

    private static string SigningKey { get; } = DevelopmentTokens.NewSigningKey();
}
