using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core;

namespace Serverless.Functions;

/// <summary>
/// The one place that wires the app's services. The Functions host (<c>Program.cs</c>) and the local runtime both
/// call it, so the two hosts cannot drift apart in what they register.
/// </summary>
public static class ServerlessAppServiceCollectionExtensions
{
    /// <summary>Adds every service the app's functions depend on.</summary>
    public static IServiceCollection AddServerlessApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddServerlessCore(configuration);
        return services;
    }
}
