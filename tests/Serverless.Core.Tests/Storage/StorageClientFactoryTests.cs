using Microsoft.Extensions.Configuration;
using Azure.Storage.Queues;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.Core.Tests.Storage;

public sealed class StorageClientFactoryTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void Create_ConnectionString_ClientsUseItsEndpoints()
    {
        var factory = new StorageClientFactory(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")), "AzureWebJobsStorage");

        Assert.Equal("UseDevelopmentStorage=true", factory.ConnectionString);
        Assert.Null(factory.Credential);
        Assert.Equal(10000, factory.CreateBlobServiceClient().Uri.Port);
        Assert.Equal(10001, factory.CreateQueueServiceClient().Uri.Port);
        Assert.Equal(10002, factory.CreateTableServiceClient().Uri.Port);
    }

    [Fact]
    public void Create_IdentityBasedAccountName_ClientsUseTheAccountsPublicEndpoints()
    {
        var factory = new StorageClientFactory(
            Settings(("AzureWebJobsStorage:accountName", "mlplatform"), ("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")),
            "AzureWebJobsStorage");

        Assert.Null(factory.ConnectionString);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(factory.Credential);
        Assert.Equal(new Uri("https://mlplatform.blob.core.windows.net/"), factory.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://mlplatform.queue.core.windows.net/"), factory.CreateQueueServiceClient().Uri);
        Assert.Equal(new Uri("https://mlplatform.table.core.windows.net/"), factory.CreateTableServiceClient().Uri);
    }

    [Fact]
    public void Create_ExplicitServiceUri_WinsOverAccountName()
    {
        var factory = new StorageClientFactory(
            Settings(("Conn:accountName", "ignored"), ("Conn:blobServiceUri", "https://custom.example/")),
            "Conn");

        Assert.Equal(new Uri("https://custom.example/"), factory.CreateBlobServiceClient().Uri);
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(factory.Credential);
    }

    [Fact]
    public void Create_NothingConfigured_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new StorageClientFactory(Settings(), "AzureWebJobsStorage"));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceUri_IdentityWithoutAccountOrUri_ThrowsSayingWhatIsMissing()
    {
        var factory = new StorageClientFactory(Settings(("Conn:credential", "managedidentity")), "Conn");

        var ex = Assert.Throws<InvalidOperationException>(() => factory.CreateQueueServiceClient());

        Assert.Contains("queueServiceUri", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateQueueServiceClient_NoOptions_Base64AsTheTrigger_OptionsGiven_TheirEncoding()
    {
        var factory = new StorageClientFactory(Settings(("AzureWebJobsStorage", await TestStorage.GetConnectionStringAsync())), "AzureWebJobsStorage");
        string name = "encoding-" + Guid.NewGuid().ToString("N");
        var defaulted = factory.CreateQueueServiceClient().GetQueueClient(name);
        var raw = factory.CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);
        await raw.CreateAsync();

        await defaulted.SendMessageAsync("hello");
        await raw.SendMessageAsync("as is");

        var bodies = (await raw.PeekMessagesAsync(2)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.Equal([Convert.ToBase64String("hello"u8.ToArray()), "as is"], bodies);
        await raw.DeleteAsync();
    }

    [Fact]
    public void Create_ServiceSpecificUris_EachClientUsesItsOwn()
    {
        var factory = new StorageClientFactory(
            Settings(
                ("Conn:blobServiceUri", "https://blobs.example/"),
                ("Conn:queueServiceUri", "https://queues.example/"),
                ("Conn:tableServiceUri", "https://tables.example/"),
                ("Conn:credential", "managedidentity")),
            "Conn");

        Assert.Equal(new Uri("https://blobs.example/"), factory.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://queues.example/"), factory.CreateQueueServiceClient().Uri);
        Assert.Equal(new Uri("https://tables.example/"), factory.CreateTableServiceClient().Uri);
    }

    [Fact]
    public void Connections_AppStorageNotSet_AppDataFallsBackToTheHostConnection()
    {
        var connections = StorageConnections.Create(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));

        Assert.Equal("AzureWebJobsStorage", connections.App.ConnectionName);
        Assert.Equal("AzureWebJobsStorage", connections.Host.ConnectionName);
    }

    [Fact]
    public void Connections_AppStorageIdentityBased_AppDataUsesItAndTriggersKeepTheHostConnection()
    {
        var connections = StorageConnections.Create(Settings(
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
            ("AppStorage:accountName", "appdata"),
            ("AppStorage:credential", "managedidentity"),
            ("AppStorage:clientId", "00000000-0000-0000-0000-000000000002")));

        Assert.Equal("AppStorage", connections.App.ConnectionName);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(connections.App.Credential);
        Assert.Equal(new Uri("https://appdata.blob.core.windows.net/"), connections.App.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://appdata.table.core.windows.net/"), connections.App.CreateTableServiceClient().Uri);
        Assert.Equal(10001, connections.Host.CreateQueueServiceClient().Uri.Port);
    }

    [Fact]
    public void Connections_AppStorageConnectionString_AppDataUsesIt()
    {
        var connections = StorageConnections.Create(Settings(
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
            ("AppStorage", "DefaultEndpointsProtocol=https;AccountName=appdata;AccountKey=a2V5;EndpointSuffix=core.windows.net")));

        Assert.Equal("AppStorage", connections.App.ConnectionName);
        Assert.Equal(new Uri("https://appdata.blob.core.windows.net/"), connections.App.CreateBlobServiceClient().Uri);
        Assert.Null(connections.App.Credential);
    }

    [Fact]
    public void Connections_HostConnectionMissing_ThrowsNamingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnections.Create(Settings(("AppStorage", "UseDevelopmentStorage=true"))));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }
}
