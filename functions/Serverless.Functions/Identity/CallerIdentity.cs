using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serverless.Functions.Identity;

/// <summary>
/// Who is calling, as Azure App Service authentication tells the app: the base64 JSON principal in
/// <c>X-MS-CLIENT-PRINCIPAL</c> (its name claim), else <c>X-MS-CLIENT-PRINCIPAL-NAME</c>. In Azure those headers are
/// trusted only when App Service authentication is on (<c>WEBSITE_AUTH_ENABLED</c>), because only then does the
/// authentication layer strip them from callers' requests; without it every caller is anonymous. Outside Azure (the
/// local host, tests) they are taken as sent, the way a developer stands in for a signed-in user.
/// </summary>
internal static class CallerIdentity
{
    private static readonly string[] NameClaims =
    [
        "name",
        "preferred_username",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ];

    /// <summary>The caller's name, or null when no principal came with the request.</summary>
    public static string? Name(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HeadersTrusted)
        {
            return null;
        }

        if (request.Headers["X-MS-CLIENT-PRINCIPAL"].FirstOrDefault() is { Length: > 0 } encoded && FromPrincipal(encoded) is { } name)
        {
            return name;
        }

        return request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].FirstOrDefault() is { Length: > 0 } plain ? plain.Trim() : null;
    }

    private static bool HeadersTrusted { get; } =
        Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is not { Length: > 0 } ||
        string.Equals(Environment.GetEnvironmentVariable("WEBSITE_AUTH_ENABLED"), "True", StringComparison.OrdinalIgnoreCase);

    private static string? FromPrincipal(string encoded)
    {
        try
        {
            using var principal = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
            if (!principal.RootElement.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            string? nameType = principal.RootElement.TryGetProperty("name_typ", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var values = claims.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("typ", out var typ) && typ.ValueKind == JsonValueKind.String
                    && c.TryGetProperty("val", out var val) && val.ValueKind == JsonValueKind.String)
                .Select(c => (Type: c.GetProperty("typ").GetString()!, Value: c.GetProperty("val").GetString()!))
                .ToList();
            foreach (string type in nameType is null ? NameClaims : [nameType, .. NameClaims])
            {
                if (values.FirstOrDefault(v => v.Type == type) is { Value.Length: > 0 } match)
                {
                    return match.Value;
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or DecoderFallbackException)
        {
            // A malformed principal names nobody.
            return null;
        }
    }
}
