using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Monitoring;

namespace Serverless.Functions.Tests.Monitoring;

/// <summary>The worker's OpenTelemetry set-up: which exporters each setting turns on, and the Entra ID credential.</summary>
public sealed class TelemetryTests
{
    // An ingestion endpoint nothing listens on: nothing is sent anywhere by these tests.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPlatformTelemetry(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddPlatformTelemetry_ConnectionStringWithAadAuthentication_ExportsWithTheManagedIdentityAndTellsTheHost()
    {
        using var services = Services(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            [TelemetryServiceCollectionExtensions.AuthenticationStringSetting] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD",
        });

        var exporter = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
        Assert.Equal("True", services.GetRequiredService<IOptions<WorkerOptions>>().Value.Capabilities["WorkerOpenTelemetryEnabled"]);
    }

    [Fact]
    public void AddPlatformTelemetry_NoExporterSetting_HostKeepsExportingTheWorkersLogs()
    {
        using var services = Services([]);

        Assert.False(services.GetRequiredService<IOptions<WorkerOptions>>().Value.Capabilities.ContainsKey("WorkerOpenTelemetryEnabled"));
        Assert.NotNull(services.GetRequiredService<MetricsSnapshot>().Read());
    }

    [Fact]
    public void Credential_NotSet_NoneSoTheConnectionStringsKeyIsUsed() =>
        Assert.Null(TelemetryServiceCollectionExtensions.Credential(null));

    [Theory]
    [InlineData("Authorization=AAD")]
    [InlineData(" clientid = abc ; authorization = aad ")]
    public void Credential_Aad_ManagedIdentity(string authentication) =>
        Assert.IsType<ManagedIdentityCredential>(TelemetryServiceCollectionExtensions.Credential(authentication));

    [Theory]
    [InlineData("ClientId=abc")]
    [InlineData("ClientId=abc;Authorization=Key")]
    [InlineData("aad")]
    public void Credential_NotUnderstood_StopsStartUpNamingTheSetting(string authentication)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TelemetryServiceCollectionExtensions.Credential(authentication));
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", ex.Message, StringComparison.Ordinal);
    }
}
