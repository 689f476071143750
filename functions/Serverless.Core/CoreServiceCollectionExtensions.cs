using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Batch;
using Serverless.Core.Explanations;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Monitoring;
using Serverless.Core.Orchestrations.Retraining;
using Serverless.Core.Registry;
using Serverless.Core.Scoring;
using Serverless.Core.SelfChecks;
using Serverless.Core.Serving;
using Serverless.Core.Storage;

namespace Serverless.Core;

/// <summary>Registers the host-agnostic platform services.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds storage clients (blobs and tables from <c>AppStorage</c>, else <c>AzureWebJobsStorage</c>; queues from
    /// <c>AzureWebJobsStorage</c>, which the triggers read), the storage readiness check and the platform's domain
    /// services.
    /// </summary>
    public static IServiceCollection AddServerlessCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageHealthOptions>().Bind(configuration.GetSection(StorageHealthOptions.SectionName));
        services.AddAzureClientsCore();
        services.AddSingleton(sp => StorageConnections.Create(configuration, sp.GetRequiredService<AzureComponentFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnections>().App.CreateBlobServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnections>().App.CreateTableServiceClient());

        // Every queue the app writes is one a trigger reads, so queues go through the triggers' connection.
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnections>().Host.CreateQueueServiceClient());
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.AddSingleton<SelfCheckService>();
        services.AddOptions<ModelRegistryOptions>()
            .Bind(configuration.GetSection(ModelRegistryOptions.SectionName))
            .Validate(o => o.MaxModelBytes > 0, "Registry__MaxModelBytes must be a positive number of bytes.")
            .Validate(
                o => o.ReferenceContainerList.Count > 0 && o.ReferenceContainerList.All(ModelRegistry.IsContainerName),
                "Registry__ReferenceContainers must be a comma-separated list of blob container names (3 to 63 lower-case letters, digits and single hyphens).")
            .ValidateOnStart();
        services.AddSingleton<ModelRegistry>();
        services.AddAudit(configuration);
        services.AddServing(configuration);
        services.AddShadowComparisons();
        services.AddMonitoring(configuration);
        services.AddExplanations(configuration);
        services.AddRetraining(configuration);
        services.AddBatchScoring(configuration);
        services.AddEventScoring(configuration);
        return services;
    }
}
