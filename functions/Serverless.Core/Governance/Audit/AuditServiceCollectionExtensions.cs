using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Storage;

namespace Serverless.Core.Governance.Audit;

/// <summary>Registers the audit log.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditLog"/> and binds <see cref="AuditOptions"/> (section <c>Audit</c>), validated at start.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .Validate(o => StorageNames.IsTableName(o.Table), "Audit__Table must be a table name: 3 to 63 letters and digits, starting with a letter.")
            .ValidateOnStart();
        services.AddSingleton<AuditLog>();
        return services;
    }
}
