using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serverless.Core.Storage;
using Serverless.Testing;

namespace Serverless.Core.Tests.Storage;

public sealed class StorageHealthCheckTests
{
    private static StorageHealthCheck Create(string connectionString) => new(
        StorageConnections.Create(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString }).Build()),
        Options.Create(new StorageHealthOptions { StorageTimeout = TimeSpan.FromSeconds(2) }));

    [Fact]
    public async Task CheckHealthAsync_StorageAnswers_Healthy()
    {
        var check = Create(await TestStorage.GetConnectionStringAsync());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_StorageStopped_UnhealthyQuicklyWithEveryServiceNamed()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var check = Create(azurite.ConnectionString);
        await azurite.StopAsync();

        var started = Stopwatch.StartNew();
        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("blob storage unreachable", result.Description, StringComparison.Ordinal);
        Assert.Contains("queue storage unreachable", result.Description, StringComparison.Ordinal);
        Assert.Contains("table storage unreachable", result.Description, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }
}
