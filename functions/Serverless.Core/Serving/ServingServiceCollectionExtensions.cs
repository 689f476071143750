using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Explanations;
using Serverless.Core.Monitoring.Sampling;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Serving.Cache;
using Serverless.Core.Serving.Execution;
using Serverless.Core.Serving.Shadow;

namespace Serverless.Core.Serving;

/// <summary>Registers prediction serving.</summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the serving services and their options (section <c>Serving</c>, checked at start: a bad value stops the app
    /// naming the setting). Needs the registry and the blob client registered too.
    /// </summary>
    public static IServiceCollection AddServing(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>());
        services.AddMemoryCache();
        services.AddMetrics();
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<SessionFactory>();
        services.AddSingleton<IModelLoader, ModelLoader>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ModelExecutor>();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ShadowQueue>();
        services.AddSingleton(sp => new InferenceService(
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<ModelCache>(),
            sp.GetRequiredService<ModelExecutor>(),
            sp.GetRequiredService<IMemoryCache>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ServingOptions>>(),
            sp.GetRequiredService<ILogger<InferenceService>>(),
            sp.GetRequiredService<ServingMetrics>(),
            sp.GetService<PredictionSampler>(),
            sp.GetService<ExplanationService>(),
            sp.GetService<ShadowQueue>()));
        return services;
    }

    /// <summary>
    /// Adds the worker that answers the shadow queue's copies off the request path and the store of their comparisons
    /// (<see cref="ServingOptions.ShadowTable"/>). Needs the table client registered too.
    /// </summary>
    public static IServiceCollection AddShadowComparisons(this IServiceCollection services)
    {
        services.AddSingleton<ShadowStore>();
        services.AddHostedService<ShadowWorker>();
        return services;
    }
}
