using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.Core.Governance.Identity;

/// <summary>
/// The local development issuer: mints HS256 tokens with the key in <c>Auth__SigningKey</c>, carrying the claims the app
/// reads from Entra ID's (<c>sub</c>, <c>name</c>, <c>roles</c>). For <c>./tools/run</c>, the demo and tests; never for Azure.
/// </summary>
public static class DevelopmentTokens
{
    /// <summary>The shortest signing key accepted (HS256 wants 256 bits).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>A new random signing key, base64.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes * 2));

    /// <summary>A signed token for <paramref name="subject"/> with <paramref name="roles"/>, valid for <paramref name="lifetime"/> from <paramref name="now"/>.</summary>
    public static string Mint(
        string signingKey, string issuer, string audience, string subject, string name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var key = TryDecodeKey(signingKey) ?? throw new ArgumentException($"The signing key must be base64 of at least {MinimumKeyBytes} bytes.", nameof(signingKey));
        var issued = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["name"] = name,
                ["roles"] = roles.ToArray(),
            },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The key's bytes, or null when it is not base64 of at least <see cref="MinimumKeyBytes"/> bytes.</summary>
    public static byte[]? TryDecodeKey(string? signingKey)
    {
        if (string.IsNullOrWhiteSpace(signingKey))
        {
            return null;
        }

        try
        {
            byte[] key = Convert.FromBase64String(signingKey.Trim());
            return key.Length >= MinimumKeyBytes ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
