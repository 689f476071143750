using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.LocalRuntime;

namespace Serverless.Testing;

/// <summary>
/// The local Functions host started inside the test process on a free port; it launches the Functions app's built
/// worker as its own process and drives it over the host-worker protocol, as Core Tools does.
/// </summary>
public sealed class InProcessRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessRuntime(WebApplication app, RuntimeSettings settings, Uri address)
    {
        _app = app;
        Settings = settings;
        Client = new HttpClient(new BearerTokenHandler()) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client for the host's address; it sends <see cref="TestTokens.Admin"/> (every role) unless a request carries its own Authorization header.</summary>
    public HttpClient Client { get; }

    /// <summary>A client for the host's address that sends <paramref name="token"/>, or no token when null; dispose it.</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = TestTokens.Bearer(token);
        }

        return client;
    }

    /// <summary>The settings it runs with.</summary>
    public RuntimeSettings Settings { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The Functions app's build output, which the host launches.</summary>
    public static string ScriptRoot => RepositoryPaths.OutputOf("functions/Serverless.Functions");

    /// <summary>Starts a host on <paramref name="connectionString"/>'s storage and waits until its worker is ready.</summary>
    public static Task<InProcessRuntime> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? overrides = null) =>
        StartAsync(RuntimeSettings.Create(connectionString, overrides));

    /// <summary>Starts a host with <paramref name="settings"/> and waits until its worker is ready.</summary>
    public static async Task<InProcessRuntime> StartAsync(RuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var app = LocalRuntimeApplication.Build(["--urls", "http://127.0.0.1:0", "--settings", settings.Path, "--script-root", ScriptRoot]);
        await LocalRuntimeApplication.StartAsync(app);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && !IsGrpc(app, a));
        return new InProcessRuntime(app, settings, new Uri(address));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(Settings.Path);
    }

    private static bool IsGrpc(WebApplication app, string address) =>
        new Uri(address).Port == LocalRuntimeApplication.GrpcAddress(app).Port;
}
