using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Http;

/// <summary>Checks function keys as the Functions host does, when keys are configured.</summary>
internal sealed class FunctionKeyAuthorizer(IOptions<LocalRuntimeOptions> options)
{
    private readonly LocalRuntimeOptions _options = options.Value;

    public bool Enforced => !string.IsNullOrEmpty(_options.FunctionKey) || !string.IsNullOrEmpty(_options.MasterKey);

    /// <summary>The key system endpoints (durable webhooks) require in their URLs, or null when keys are not enforced.</summary>
    public string? SystemKey => !Enforced ? null : string.IsNullOrEmpty(_options.MasterKey) ? _options.FunctionKey : _options.MasterKey;

    /// <summary>Whether the request may call a function of <paramref name="authLevel"/> (function.json's <c>authLevel</c>).</summary>
    public bool IsAuthorized(HttpRequest request, string? authLevel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.Equals(authLevel, "system", StringComparison.OrdinalIgnoreCase))
        {
            // The durable webhooks: the key the host puts in the URLs it hands out (the master key, else the function key).
            return !Enforced || Matches(request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault() ?? string.Empty, SystemKey);
        }

        bool admin = string.Equals(authLevel, "admin", StringComparison.OrdinalIgnoreCase);
        if (!Enforced || (!admin && string.Equals(authLevel, "anonymous", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        string? presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        return Matches(presented, _options.MasterKey) || (!admin && Matches(presented, _options.FunctionKey));
    }

    private static bool Matches(string presented, string? key) =>
        !string.IsNullOrEmpty(key) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
}
