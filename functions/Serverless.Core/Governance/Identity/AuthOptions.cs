namespace Serverless.Core.Governance.Identity;

/// <summary>
/// How the app validates callers' bearer tokens (section <c>Auth</c>): tokens from <see cref="Issuer"/> for
/// <see cref="Audience"/>, signed by <see cref="SigningKey"/> (the local development issuer) or by a key that
/// <see cref="Authority"/>'s OpenID Connect metadata publishes (Microsoft Entra ID).
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>The issuer tokens must name (<c>iss</c>); for Entra ID <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The audience tokens must name (<c>aud</c>): the app registration's application id URI or client id.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>A base64 symmetric key (at least 32 bytes) that signs tokens (HS256): the local development issuer's. Empty where <see cref="Authority"/> is used.</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>
    /// An OpenID Connect authority (e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>) whose metadata
    /// (<c>/.well-known/openid-configuration</c>) publishes the signing keys; fetched only when set.
    /// </summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>
    /// Whether endpoints that allow it (predictions) accept a caller without a bearer token that presents one of
    /// <see cref="FunctionKeys"/>, so applications that call with a key keep working.
    /// </summary>
    public bool AllowFunctionKeyForPredictions { get; set; } = true;

    /// <summary>
    /// The function keys the app itself accepts on those endpoints, comma-separated (empty: none), sent as the Functions
    /// host reads its keys: the <c>x-functions-key</c> header or the <c>code</c> query parameter. The app checks them
    /// because every endpoint is anonymous at the host: a host that checked its keys would refuse token-only callers
    /// first, and under the ASP.NET Core integration it does not tell the worker which key it accepted.
    /// </summary>
    public string FunctionKeys { get; set; } = string.Empty;

    /// <summary>How far token lifetimes may be off the app's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}
