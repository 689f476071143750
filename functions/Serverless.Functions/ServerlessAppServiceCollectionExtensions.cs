using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core;
using Serverless.Functions.Identity;
using Serverless.Functions.Monitoring;

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
        services.AddPlatformTelemetry(configuration);
        services.AddPlatformIdentity(configuration);

        // The worker's Kestrel (ASP.NET Core integration) refuses a body over its 30 MB default by closing the
        // connection, and any finite limit there does the same to a body declared larger than it, even after the
        // endpoint has answered. So Kestrel's limit is off: every endpoint bounds what it reads itself
        // (Registry__MaxModelBytes, Serving__MaxRequestBytes, small JSON bodies) and answers 413 with a JSON body, and
        // the Functions host in front bounds every request (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        return services;
    }
}
