using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace Serverless.Core.Storage;

/// <summary>
/// The app's two storage connections. <see cref="App"/> holds the app's own data (registry artifacts and tables,
/// self-check records): setting <c>AppStorage</c>, or <c>AzureWebJobsStorage</c> when that is not set, since
/// components other than the host should not need the host's setting. <see cref="Host"/> is <c>AzureWebJobsStorage</c>,
/// what the triggers (queues, Durable) read: a queue a trigger reads is written through it.
/// </summary>
public sealed class StorageConnections
{
    private StorageConnections(StorageClientFactory app, StorageClientFactory host)
    {
        App = app;
        Host = host;
    }

    /// <summary>The app's data: <c>AppStorage</c>, else <c>AzureWebJobsStorage</c>.</summary>
    public StorageClientFactory App { get; }

    /// <summary>The host's and the triggers' storage: <c>AzureWebJobsStorage</c>.</summary>
    public StorageClientFactory Host { get; }

    /// <summary>Reads both connections from configuration.</summary>
    /// <param name="configuration">The app's settings.</param>
    /// <param name="components">The app's Azure component factory; null for Microsoft.Extensions.Azure's defaults.</param>
    /// <exception cref="InvalidOperationException">A connection is not configured; the message names the setting.</exception>
    public static StorageConnections Create(IConfiguration configuration, AzureComponentFactory? components = null)
    {
        StorageClientFactory Read(string name) => components is null
            ? new StorageClientFactory(configuration, name)
            : new StorageClientFactory(configuration, name, components);

        var host = Read(StorageNames.ConnectionSetting);
        var app = StorageClientFactory.IsConfigured(configuration.GetSection(StorageNames.AppConnectionSetting))
            ? Read(StorageNames.AppConnectionSetting)
            : host;
        return new StorageConnections(app, host);
    }
}
