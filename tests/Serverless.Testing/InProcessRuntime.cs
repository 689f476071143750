using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.LocalRuntime;

namespace Serverless.Testing;

/// <summary>The local runtime started inside the test process on a free port.</summary>
public sealed class InProcessRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessRuntime(WebApplication app, RuntimeSettings settings, Uri address)
    {
        _app = app;
        Settings = settings;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client for the runtime's address.</summary>
    public HttpClient Client { get; }

    /// <summary>The settings it runs with.</summary>
    public RuntimeSettings Settings { get; }

    /// <summary>The runtime's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a runtime on <paramref name="connectionString"/>'s storage.</summary>
    public static async Task<InProcessRuntime> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = RuntimeSettings.Create(connectionString, overrides);
        var app = LocalRuntimeApplication.Build(["--urls", "http://127.0.0.1:0", "--settings", settings.Path]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
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
}
