using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Registry;
using Serverless.Core.SelfChecks;
using Serverless.Core.Serving;
using Serverless.Core.Storage;

namespace Serverless.Core;

/// <summary>Registers the host-agnostic platform services.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds storage clients (from the <c>AzureWebJobsStorage</c> connection), the storage readiness check and the
    /// platform's domain services.
    /// </summary>
    public static IServiceCollection AddServerlessCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageHealthOptions>().Bind(configuration.GetSection(StorageHealthOptions.SectionName));
        services.AddSingleton(_ => new StorageClientFactory(configuration, StorageNames.ConnectionSetting));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClientFactory>().CreateBlobServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageClientFactory>().CreateQueueServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageClientFactory>().CreateTableServiceClient());
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.AddSingleton<SelfCheckService>();
        services.AddOptions<ModelRegistryOptions>().Bind(configuration.GetSection(ModelRegistryOptions.SectionName));
        services.AddSingleton<ModelRegistry>();
        services.AddServing(configuration);
        return services;
    }
}
