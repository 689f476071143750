using Microsoft.Extensions.Configuration;
using Serverless.LocalRuntime.Hosting;
using Serverless.Testing;

namespace Serverless.LocalRuntime.Tests.Hosting;

public sealed class HostJsonTests
{
    private static readonly string RepositoryHostJson = Path.Combine(RepositoryPaths.Root, "host.json");

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void Load_RepositoryHostJson_ReadsRoutePrefixQueuesAndHub()
    {
        var host = HostJson.Load(RepositoryHostJson, Settings());

        Assert.Equal(string.Empty, host.RoutePrefix);
        Assert.Equal("ServerlessHub", host.HubName);
        Assert.Equal(5, host.Queues.MaxDequeueCount);
        Assert.Equal(16, host.Queues.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), host.MaxQueuePollingInterval);
    }

    [Fact]
    public void Load_AzureFunctionsJobHostSetting_OverridesTheFile()
    {
        var host = HostJson.Load(RepositoryHostJson, Settings(
            ("AzureFunctionsJobHost:extensions:queues:maxDequeueCount", "2"),
            ("AzureFunctionsJobHost:extensions:durableTask:hubName", "Other")));

        Assert.Equal(2, host.Queues.MaxDequeueCount);
        Assert.Equal("Other", host.HubName);
        Assert.Equal(16, host.Queues.BatchSize);
    }

    [Fact]
    public void Load_EmptyFile_UsesTheFunctionsHostDefaults()
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "{\"version\": \"2.0\"}");
        try
        {
            var host = HostJson.Load(path, Settings());

            Assert.Equal("api", host.RoutePrefix);
            Assert.Equal(5, host.Queues.MaxDequeueCount);
            Assert.Equal(TimeSpan.FromMinutes(1), host.Queues.MaxPollingInterval);
            Assert.Equal(TimeSpan.FromSeconds(30), host.MaxQueuePollingInterval);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => HostJson.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json"), Settings()));
    }
}
