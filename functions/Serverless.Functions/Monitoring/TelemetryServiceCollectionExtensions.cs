using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Serverless.Functions.Monitoring;

/// <summary>
/// OpenTelemetry in the worker. The platform's meters (<c>Serverless.*</c>: serving, the model cache, sampling, and
/// any later one under that prefix) are always collected, for <c>GET /monitoring/metrics</c>. They, the worker's logs
/// and traces are also exported to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (with
/// Microsoft Entra ID when <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says <c>Authorization=AAD</c>) and to an
/// OTLP endpoint when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; with neither, nothing leaves the process.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The meters collected: every meter of the platform.</summary>
    public const string PlatformMeters = "Serverless.*";

    /// <summary>Application Insights' connection string (the Functions host reads the same setting).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How the app authenticates to Application Insights, as the Functions host reads it: <c>ClientId=...;Authorization=AAD</c>.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The OTLP endpoint of OpenTelemetry's own configuration (the OTLP exporter reads the other <c>OTEL_EXPORTER_OTLP_*</c> settings).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds OpenTelemetry with the platform's meters, the in-process snapshot and the configured exporters.</summary>
    /// <exception cref="InvalidOperationException"><c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> is set but not understood.</exception>
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<MetricsSnapshot>();
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(PlatformMeters)
                .AddReader(sp => sp.GetRequiredService<MetricsSnapshot>().Reader));

        string? connectionString = configuration[ConnectionStringSetting];
        bool azureMonitor = !string.IsNullOrWhiteSpace(connectionString);
        bool otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        // Tells the Functions host that the worker exports its own logs (the host stops exporting the copies it is sent)
        // and names the service as the host does. Only with an exporter: otherwise the host's copies are all there is.
        telemetry.UseFunctionsWorkerDefaults();
        if (azureMonitor)
        {
            var credential = Credential(configuration[AuthenticationStringSetting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null)
                {
                    options.Credential = credential;
                }
            });
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// The credential the authentication string asks for, as the Functions host reads it: the managed identity
    /// <c>ClientId</c> names (the system-assigned one without), for <c>Authorization=AAD</c>; null when not set.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set, but without <c>Authorization=AAD</c> or with a part that is not <c>key=value</c>.</exception>
    internal static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw BadAuthenticationString($"'{part}' is not key=value");
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (!parts.TryGetValue("Authorization", out string? authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw BadAuthenticationString("it needs Authorization=AAD");
        }

        return parts.TryGetValue("ClientId", out string? clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    private static InvalidOperationException BadAuthenticationString(string reason) => new(
        $"{AuthenticationStringSetting} must be 'Authorization=AAD' or 'ClientId=<managed identity client id>;Authorization=AAD': {reason}.");
}
