using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Core.Governance.Audit;

/// <summary>Registers the audit log.</summary>
public static partial class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditLog"/> and binds <see cref="AuditOptions"/> (section <c>Audit</c>), validated at start.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .Validate(o => TableName().IsMatch(o.Table ?? string.Empty), "Audit__Table must be a table name: 3 to 63 letters and digits, starting with a letter.")
            .ValidateOnStart();
        services.AddSingleton<AuditLog>();
        return services;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
