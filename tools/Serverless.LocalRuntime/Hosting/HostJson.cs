using Microsoft.Extensions.Configuration.Memory;

namespace Serverless.LocalRuntime.Hosting;

/// <summary>
/// The parts of host.json the local runtime honours. As in the Functions host, an app setting named
/// <c>AzureFunctionsJobHost__path__to__value</c> overrides the value at that path.
/// </summary>
internal sealed class HostJson
{
    private HostJson(IConfiguration host)
    {
        RoutePrefix = (host["extensions:http:routePrefix"] ?? "api").Trim('/');
        host.GetSection("extensions:queues").Bind(Queues);
        HubName = host["extensions:durableTask:hubName"] ?? "TestHubName";
        DurableConnectionName = host["extensions:durableTask:storageProvider:connectionName"] ?? "AzureWebJobsStorage";
        Logging = host.GetSection("logging");
        MaxQueuePollingInterval = host.GetValue("extensions:durableTask:storageProvider:maxQueuePollingInterval", TimeSpan.FromSeconds(30));
        WorkItemQueueVisibilityTimeout = host.GetValue("extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout", TimeSpan.FromMinutes(5));
    }

    public string RoutePrefix { get; }

    /// <summary>host.json's <c>logging</c> section; its <c>logLevel</c> has the shape Microsoft.Extensions.Logging reads.</summary>
    public IConfiguration Logging { get; }

    public QueueTriggerOptions Queues { get; } = new();

    /// <summary>The Durable Task hub; <c>%Setting%</c> is resolved by the caller.</summary>
    public string HubName { get; }

    public TimeSpan MaxQueuePollingInterval { get; }

    /// <summary>How long an activity's message stays hidden while a worker runs it; after a crash, it runs again once this passes.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; }

    /// <summary>The app setting that names the task hub's storage connection.</summary>
    public string DurableConnectionName { get; }

    public static HostJson Load(string path, IConfiguration appConfiguration)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"host.json not found at {path}. Build the Functions app first.", path);
        }

        var overrides = appConfiguration.GetSection("AzureFunctionsJobHost").AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null);
        var host = new ConfigurationBuilder()
            .AddJsonFile(path, optional: false)
            .Add(new MemoryConfigurationSource { InitialData = overrides })
            .Build();
        return new HostJson(host);
    }
}
