using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Core.Governance.Identity;

namespace Serverless.Functions.Identity;

/// <summary>Wires token validation (section <c>Auth</c>) and the authorization middleware's services.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>Adds the validated <see cref="AuthOptions"/>, the <see cref="TokenValidator"/> and the <see cref="FunctionKeySet"/>.</summary>
    public static IServiceCollection AddPlatformIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<FunctionKeySet>();
        return services;
    }
}
