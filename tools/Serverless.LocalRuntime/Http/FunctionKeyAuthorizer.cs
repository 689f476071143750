using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Http;

/// <summary>Checks function keys as the Functions host does, when keys are configured.</summary>
internal sealed class FunctionKeyAuthorizer(IOptions<LocalRuntimeOptions> options)
{
    private readonly LocalRuntimeOptions _options = options.Value;

    public bool Enforced => !string.IsNullOrEmpty(_options.FunctionKey) || !string.IsNullOrEmpty(_options.MasterKey);

    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level)
    {
        if (!Enforced || level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        string? presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        return Matches(presented, _options.MasterKey) ||
               (level is AuthorizationLevel.Function or AuthorizationLevel.User && Matches(presented, _options.FunctionKey));
    }

    private static bool Matches(string presented, string? key) =>
        !string.IsNullOrEmpty(key) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
}
