using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Core.Storage;

/// <summary>
/// Creates storage clients for one connection setting, read as the Functions host reads it, in either form: a
/// connection string (<c>UseDevelopmentStorage=true</c> for Azurite), or identity-based settings under the name
/// (<c>__accountName</c>, or <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>, with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity). Microsoft.Extensions.Azure
/// creates the clients and the credential; this class only derives each service's endpoint from the account name, as
/// the host's storage extensions do.
/// </summary>
public sealed class StorageClientFactory
{
    private static readonly Lazy<AzureComponentFactory> DefaultComponents = new(() =>
    {
        var services = new ServiceCollection();
        services.AddAzureClientsCore();
        return services.BuildServiceProvider().GetRequiredService<AzureComponentFactory>();
    });

    private readonly IConfigurationSection _section;
    private readonly AzureComponentFactory _components;

    /// <summary>Reads the connection named <paramref name="connectionName"/> from configuration.</summary>
    /// <exception cref="InvalidOperationException">The connection is not configured.</exception>
    public StorageClientFactory(IConfiguration configuration, string connectionName)
        : this(configuration, connectionName, DefaultComponents.Value)
    {
    }

    /// <summary>Reads the connection named <paramref name="connectionName"/>, with the app's Azure component factory.</summary>
    /// <exception cref="InvalidOperationException">The connection is not configured.</exception>
    public StorageClientFactory(IConfiguration configuration, string connectionName, AzureComponentFactory components)
    {
        _section = configuration.GetSection(connectionName);
        _components = components;
        ConnectionName = connectionName;
        if (!IsConfigured(_section))
        {
            throw new InvalidOperationException(
                $"Storage connection '{connectionName}' is not configured. Set '{connectionName}' to a connection string " +
                $"(UseDevelopmentStorage=true for Azurite) or '{connectionName}__accountName' for an identity-based connection.");
        }

        ConnectionString = string.IsNullOrWhiteSpace(_section.Value) ? null : _section.Value;
        Credential = ConnectionString is null ? _components.CreateTokenCredential(_section) : null;
    }

    /// <summary>The setting this connection is read from.</summary>
    public string ConnectionName { get; }

    /// <summary>The connection string, or null for an identity-based connection.</summary>
    public string? ConnectionString { get; }

    /// <summary>The credential of an identity-based connection, or null for a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>Whether <paramref name="section"/> holds a connection in either form.</summary>
    public static bool IsConfigured(IConfigurationSection section) =>
        !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any();

    /// <summary>Creates a blob service client.</summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null) =>
        Create<BlobServiceClient>("blob", options ?? new BlobClientOptions());

    /// <summary>
    /// Creates a queue service client. Without <paramref name="options"/> it reads and writes base64 messages, as the
    /// queue trigger does (host.json <c>messageEncoding</c>); with them, their encoding is used as given.
    /// </summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null) =>
        Create<QueueServiceClient>("queue", options ?? new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Creates a table service client.</summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null) =>
        Create<TableServiceClient>("table", options ?? new TableClientOptions());

    /// <summary>The endpoint of <paramref name="service"/> (<c>blob</c>, <c>queue</c> or <c>table</c>) for an identity-based connection.</summary>
    /// <exception cref="InvalidOperationException">Neither <c>accountName</c> nor the service's URI is set.</exception>
    public Uri ServiceUri(string service)
    {
        string? explicitUri = _section[$"{service}ServiceUri"];
        if (!string.IsNullOrEmpty(explicitUri))
        {
            return new Uri(explicitUri);
        }

        string? account = _section["accountName"];
        if (string.IsNullOrEmpty(account))
        {
            throw new InvalidOperationException(
                $"Identity-based storage connection '{ConnectionName}' needs '{ConnectionName}__accountName' or '{ConnectionName}__{service}ServiceUri'.");
        }

        return new Uri($"https://{account}.{service}.core.windows.net");
    }

    private T Create<T>(string service, object options)
    {
        IConfiguration client = _section;
        if (ConnectionString is null)
        {
            // The clients' constructors name the endpoint 'serviceUri' (blobs, queues) or 'endpoint' (tables).
            string uri = ServiceUri(service).AbsoluteUri;
            client = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["serviceUri"] = uri, ["endpoint"] = uri })
                .Build();
        }

        return (T)_components.CreateClient(typeof(T), client, Credential, options);
    }
}
