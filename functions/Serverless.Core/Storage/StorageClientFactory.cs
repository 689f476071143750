using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Serverless.Core.Storage;

/// <summary>
/// Creates storage clients from the connection the Functions host itself uses (<c>AzureWebJobsStorage</c> by default),
/// in either of its two forms: a connection string (Azurite locally), or identity-based settings in Azure
/// (<c>__accountName</c> or <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>, with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity).
/// </summary>
public sealed class StorageClientFactory
{
    private readonly string? _connectionString;
    private readonly IConfigurationSection _section;
    private readonly TokenCredential? _credential;

    /// <summary>Reads the connection named <paramref name="connectionName"/> from configuration.</summary>
    /// <exception cref="InvalidOperationException">The connection is not configured.</exception>
    public StorageClientFactory(IConfiguration configuration, string connectionName)
    {
        _section = configuration.GetSection(connectionName);
        _connectionString = _section.Value;
        if (string.IsNullOrWhiteSpace(_connectionString))
        {
            _connectionString = null;
            if (!_section.GetChildren().Any())
            {
                throw new InvalidOperationException(
                    $"Storage connection '{connectionName}' is not configured. Set '{connectionName}' to a connection string " +
                    $"(UseDevelopmentStorage=true for Azurite) or '{connectionName}__accountName' for an identity-based connection.");
            }

            _credential = CreateCredential(_section["credential"], _section["clientId"]);
        }
    }

    /// <summary>The connection string, or null for an identity-based connection.</summary>
    public string? ConnectionString => _connectionString;

    /// <summary>The credential of an identity-based connection, or null for a connection string.</summary>
    public TokenCredential? Credential => _credential;

    /// <summary>Creates a blob service client.</summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null) =>
        _connectionString is not null
            ? new BlobServiceClient(_connectionString, options)
            : new BlobServiceClient(ServiceUri("blob"), _credential, options);

    /// <summary>
    /// Creates a queue service client. Without <paramref name="options"/> it reads and writes base64 messages, as the
    /// queue trigger does (host.json <c>messageEncoding</c>); with them, their encoding is used as given.
    /// </summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null)
    {
        options ??= new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return _connectionString is not null
            ? new QueueServiceClient(_connectionString, options)
            : new QueueServiceClient(ServiceUri("queue"), _credential, options);
    }

    /// <summary>Creates a table service client.</summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null) =>
        _connectionString is not null
            ? new TableServiceClient(_connectionString, options)
            : new TableServiceClient(ServiceUri("table"), _credential, options);

    private static TokenCredential CreateCredential(string? credential, string? clientId)
    {
        if (!string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new DefaultAzureCredential();
        }

        return new ManagedIdentityCredential(string.IsNullOrEmpty(clientId)
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    /// <summary>The endpoint of <paramref name="service"/> (<c>blob</c>, <c>queue</c> or <c>table</c>) for an identity-based connection.</summary>
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
                $"Identity-based storage connection '{_section.Path}' needs 'accountName' or '{service}ServiceUri'.");
        }

        return new Uri($"https://{account}.{service}.core.windows.net");
    }
}
