using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.Core.Governance.Identity;

/// <summary>
/// Validates bearer tokens (issuer, audience, signature, lifetime) with Microsoft.IdentityModel, the same way under Core
/// Tools, the local runtime and Azure, and reads the caller from them: subject (<c>oid</c> for Entra ID, else <c>sub</c>),
/// name and app roles (<c>roles</c>).
/// </summary>
public sealed class TokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly AuthOptions _options;

    /// <summary>Validates against <paramref name="options"/>; the authority's metadata is fetched on first use only.</summary>
    public TokenValidator(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _options.ClockSkew,
        };
        if (DevelopmentTokens.TryDecodeKey(_options.SigningKey) is { } key)
        {
            _parameters.IssuerSigningKey = new SymmetricSecurityKey(key);
        }

        if (!string.IsNullOrWhiteSpace(_options.Authority))
        {
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                _options.Authority.TrimEnd('/') + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = true });
        }
    }

    /// <summary>Validates <paramref name="token"/> (the part after <c>Bearer </c>).</summary>
    public async Task<TokenCheck> ValidateAsync(string token)
    {
        if (string.IsNullOrWhiteSpace(token) || !_handler.CanReadToken(token))
        {
            return new TokenCheck(null, "The bearer token is not a well-formed JWT.");
        }

        JsonWebToken read;
        try
        {
            read = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return new TokenCheck(null, "The bearer token is not a well-formed JWT.");
        }

        if (string.Equals(read.Alg, "none", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(read.EncodedSignature))
        {
            return new TokenCheck(null, "The token is unsigned (alg 'none'); only signed tokens are accepted.");
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return new TokenCheck(null, Reason(ex, read));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken valid)
        {
            return result.Exception is { } failure && IsProviderUnavailable(failure)
                ? new TokenCheck(null, "The identity provider's signing keys could not be fetched; try again later.", Unavailable: true)
                : new TokenCheck(null, Reason(result.Exception, read));
        }

        return new TokenCheck(ActorOf(valid), null);
    }

    /// <summary>The caller a valid token names.</summary>
    internal static Actor ActorOf(JsonWebToken token)
    {
        string subject = Claim(token, "oid") ?? Claim(token, "sub") ?? "unknown";
        string name = Claim(token, "name") ?? Claim(token, "preferred_username") ?? Claim(token, "azp") ?? Claim(token, "appid") ?? subject;
        var roles = token.Claims.Where(c => c.Type == "roles" || c.Type == "role").Select(c => c.Value).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new Actor(subject, name, roles);
    }

    private static string? Claim(JsonWebToken token, string type) =>
        token.TryGetClaim(type, out var claim) && claim.Value is { Length: > 0 } value ? value : null;

    private static bool IsProviderUnavailable(Exception exception) =>
        exception is InvalidOperationException or HttpRequestException or IOException || exception.InnerException is HttpRequestException or IOException;

    private string Reason(Exception? exception, JsonWebToken token) => exception switch
    {
        SecurityTokenExpiredException expired =>
            string.Create(CultureInfo.InvariantCulture, $"The token expired at {expired.Expires:u}; get a new one."),
        SecurityTokenNotYetValidException notYet =>
            string.Create(CultureInfo.InvariantCulture, $"The token is not valid before {notYet.NotBefore:u}."),
        SecurityTokenNoExpirationException => "The token has no expiry ('exp'); tokens must expire.",
        SecurityTokenInvalidAudienceException =>
            $"The token's audience ('{string.Join("', '", token.Audiences)}') is not this API's ('{_options.Audience}').",
        SecurityTokenInvalidIssuerException => $"The token's issuer ('{token.Issuer}') is not the one this API trusts ('{_options.Issuer}').",
        SecurityTokenInvalidAlgorithmException => $"The token's signing algorithm '{token.Alg}' is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not verify with the issuer's keys (tampered with, or signed by another issuer).",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        _ => "The token is not valid.",
    };
}
