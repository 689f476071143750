using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Batch;

/// <summary>Registers batch scoring over files.</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>Adds the batch service and activities and binds <c>Batch</c> options (checked at start). Needs serving registered.</summary>
    public static IServiceCollection AddBatchScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BatchOptions>().Bind(configuration.GetSection(BatchOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        services.AddSingleton<BatchService>();
        services.AddSingleton(sp => new BatchActivities(
            sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<ModelCache>(),
            sp.GetRequiredService<ModelExecutor>()));
        return services;
    }
}
