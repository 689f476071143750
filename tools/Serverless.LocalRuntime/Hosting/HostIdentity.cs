using System.Text.RegularExpressions;

namespace Serverless.LocalRuntime.Hosting;

/// <summary>
/// The host id: instances with the same id on one storage account are one app (they share timer locks and status).
/// <c>AzureFunctionsWebHost__hostid</c> sets it, as in the Functions host; otherwise it is the app's name.
/// </summary>
internal sealed partial class HostIdentity
{
    public HostIdentity(IConfiguration configuration, string appName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string raw = configuration["AzureFunctionsWebHost:hostid"] is { Length: > 0 } configured ? configured : appName;
        string id = Invalid().Replace(raw.ToLowerInvariant(), "-").Trim('-');
        HostId = id.Length > 32 ? id[..32] : id;
    }

    public string HostId { get; }

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex Invalid();
}
