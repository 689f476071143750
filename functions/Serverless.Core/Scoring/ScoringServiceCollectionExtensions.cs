using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Registry;

namespace Serverless.Core.Scoring;

/// <summary>Registers event scoring through queues.</summary>
public static class ScoringServiceCollectionExtensions
{
    /// <summary>Adds the event scorer and binds <c>Scoring</c> options (checked at start). Needs serving registered.</summary>
    public static IServiceCollection AddEventScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScoringOptions>()
            .Bind(configuration.GetSection(ScoringOptions.SectionName))
            .Validate(o => ModelRegistry.IsContainerName(o.RequestQueue), "Scoring__RequestQueue must be a queue name (3 to 63 lower-case letters, digits and single hyphens).")
            .Validate(o => ModelRegistry.IsContainerName(o.ResultQueue), "Scoring__ResultQueue must be a queue name (3 to 63 lower-case letters, digits and single hyphens).")
            .ValidateOnStart();
        services.AddSingleton<EventScorer>();
        return services;
    }
}
