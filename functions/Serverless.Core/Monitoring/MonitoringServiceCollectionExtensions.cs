using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Monitoring.Feedback;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Monitoring;

/// <summary>Registers prediction monitoring.</summary>
public static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Adds the prediction sampler, the shipper that sends its samples to the sample queue (a hosted service) and the
    /// sample store, with their options (section <c>Monitoring</c>, checked at start: a bad value stops the app naming
    /// the setting). Needs the storage clients registered too.
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>());
        services.AddMetrics();
        services.AddSingleton<SampleRates>();
        services.AddSingleton<PredictionSampler>();
        services.AddSingleton<SampleStore>();
        services.AddSingleton<FeedbackStore>();
        services.AddSingleton<MonitoringStore>();
        services.AddSingleton<MonitoringBaselineStore>();
        services.AddSingleton<AlertPublisher>();
        services.AddSingleton<MonitoringEvaluator>();
        services.AddSingleton<MonitoringReader>();
        services.AddHostedService<SampleShipper>();
        return services;
    }
}
