using System.Net.Http.Headers;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;

namespace Serverless.Testing;

/// <summary>
/// The development issuer every test runtime trusts (<see cref="RuntimeSettings"/> writes its settings): a key made
/// once per test run, and tokens minted with it for any subject and roles.
/// </summary>
public static class TestTokens
{
    /// <summary>The issuer test runtimes trust.</summary>
    public const string Issuer = "https://serverless.test/issuer";

    /// <summary>The audience test runtimes expect.</summary>
    public const string Audience = "api://serverless-test";

    /// <summary>The subject of <see cref="Admin"/>.</summary>
    public const string AdminSubject = "test-admin";

    /// <summary>The function key test runtimes accept on the endpoints that take one (<c>Auth__FunctionKeys</c>).</summary>
    public const string FunctionKey = "test-function-key-0123456789";

    /// <summary>The signing key test runtimes trust (base64).</summary>
    public static string SigningKey { get; } = DevelopmentTokens.NewSigningKey();

    /// <summary>A token carrying every role, which test clients send unless a request carries its own.</summary>
    public static string Admin { get; } = For(AdminSubject, PlatformRoles.All);

    /// <summary>
    /// A valid token for <paramref name="subject"/> (its name too, unless <paramref name="name"/> is given) carrying
    /// <paramref name="roles"/> (every role when null).
    /// </summary>
    public static string For(string subject, IEnumerable<string>? roles = null, string? name = null, TimeSpan? lifetime = null, DateTimeOffset? now = null) =>
        DevelopmentTokens.Mint(SigningKey, Issuer, Audience, subject, name ?? subject, roles ?? PlatformRoles.All, lifetime ?? TimeSpan.FromHours(2), now);

    /// <summary>An <c>Authorization: Bearer</c> header value for <paramref name="token"/>.</summary>
    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    /// <summary>The settings that make a runtime trust this issuer.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Auth__Issuer"] = Issuer,
        ["Auth__Audience"] = Audience,
        ["Auth__SigningKey"] = SigningKey,
        ["Auth__FunctionKeys"] = FunctionKey,
    };
}
