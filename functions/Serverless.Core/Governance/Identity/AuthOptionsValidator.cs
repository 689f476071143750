using Microsoft.Extensions.Options;

namespace Serverless.Core.Governance.Identity;

/// <summary>Checks the <c>Auth</c> settings at start-up, so that a bad value stops the app naming the setting.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Auth__Issuer must name the issuer tokens come from (./tools/run sets up a development issuer).");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth__Audience must name the audience tokens are issued for.");
        }

        bool hasKey = !string.IsNullOrWhiteSpace(options.SigningKey);
        bool hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        if (!hasKey && !hasAuthority)
        {
            failures.Add("Set Auth__SigningKey (a development issuer's base64 key; ./tools/run generates one) or Auth__Authority (Microsoft Entra ID).");
        }

        if (hasKey && DevelopmentTokens.TryDecodeKey(options.SigningKey) is null)
        {
            failures.Add($"Auth__SigningKey must be base64 of at least {DevelopmentTokens.MinimumKeyBytes} bytes.");
        }

        if (hasAuthority && (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Auth__Authority must be an https URL (it is '{options.Authority}').");
        }

        string[] keys = FunctionKeySet.Split(options.FunctionKeys);
        if (keys.FirstOrDefault(k => k.Length < FunctionKeySet.MinimumKeyLength) is { } shortKey)
        {
            failures.Add($"Auth__FunctionKeys: every key must be at least {FunctionKeySet.MinimumKeyLength} characters (one has {shortKey.Length}).");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Auth__ClockSkew must be between 00:00:00 and 00:10:00 (it is {options.ClockSkew}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
