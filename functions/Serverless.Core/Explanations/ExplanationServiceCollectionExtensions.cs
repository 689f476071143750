using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Serving;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Serving.Cache;

namespace Serverless.Core.Explanations;

/// <summary>Registers per-prediction explanations.</summary>
public static class ExplanationServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ExplanationService"/> and its options (section <c>Explanations</c>, checked at start). Needs serving and monitoring registered.</summary>
    public static IServiceCollection AddExplanations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExplanationOptions>()
            .Bind(configuration.GetSection(ExplanationOptions.SectionName))
            .Validate(o => o.BackgroundRows is > 0 and <= 10_000, "Explanations__BackgroundRows must be a whole number from 1 to 10000.")
            .Validate(o => o.KernelBackgroundRows > 0 && o.KernelBackgroundRows <= o.BackgroundRows, "Explanations__KernelBackgroundRows must be at least 1 and at most Explanations__BackgroundRows.")
            .Validate(o => o.KernelSamples is >= 16 and <= 100_000, "Explanations__KernelSamples must be a whole number from 16 to 100000.")
            .Validate(o => o.MaxRows is > 0 and <= 10_000, "Explanations__MaxRows must be a whole number from 1 to 10000.")
            .Validate(o => o.MaxRunTime > TimeSpan.Zero && o.MaxRunTime <= TimeSpan.FromMinutes(10), "Explanations__MaxRunTime must be a positive time span of at most 10 minutes, such as 00:00:30.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ExplanationService(
            sp.GetRequiredService<ModelCache>(),
            sp.GetRequiredService<ArtifactStore>(),
            sp.GetRequiredService<MonitoringBaselineStore>(),
            sp.GetRequiredService<IMemoryCache>(),
            sp.GetRequiredService<IOptions<ExplanationOptions>>(),
            sp.GetRequiredService<IOptions<ServingOptions>>()));
        return services;
    }
}
