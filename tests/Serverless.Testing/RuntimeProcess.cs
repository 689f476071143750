using Serverless.LocalRuntime.Launching;

namespace Serverless.Testing;

/// <summary>The local Functions host as its own process (with its worker), so that a test can kill or signal it.</summary>
public static class RuntimeProcess
{
    /// <summary>The built host.</summary>
    public static string HostAssembly => Path.Combine(RepositoryPaths.OutputOf("tools/Serverless.LocalRuntime"), "Serverless.LocalRuntime.dll");

    /// <summary>Starts the host with <paramref name="settings"/> and waits until it answers.</summary>
    public static async Task<HostProcess> StartAsync(RuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var host = await HostProcess.StartAsync(new HostProcessOptions { HostAssembly = HostAssembly, ScriptRoot = InProcessRuntime.ScriptRoot, SettingsPath = settings.Path });
        host.Client.DefaultRequestHeaders.Authorization = TestTokens.Bearer(TestTokens.Admin);
        return host;
    }
}
