using Serverless.Core.Governance.Identity;

namespace Serverless.Core.Tests.Governance.Identity;

public sealed class AuthOptionsValidatorTests
{
    private static AuthOptions Valid() => new() { Issuer = "https://issuer", Audience = "api://x", SigningKey = DevelopmentTokens.NewSigningKey() };

    [Fact]
    public void Validate_DevelopmentIssuer_Succeeds()
    {
        Assert.True(new AuthOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Validate_EntraAuthorityWithoutKey_Succeeds()
    {
        var options = Valid();
        options.SigningKey = string.Empty;
        options.Authority = "https://login.microsoftonline.com/tenant/v2.0";

        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_NeitherKeyNorAuthority_FailsNamingBothSettings()
    {
        var options = Valid();
        options.SigningKey = string.Empty;

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth__SigningKey", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth__Authority", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void Validate_BadSigningKey_FailsNamingIt(string key)
    {
        var options = Valid();
        options.SigningKey = key;

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth__SigningKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoIssuerOrAudience_FailsNamingThem()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { SigningKey = DevelopmentTokens.NewSigningKey() });

        Assert.Contains("Auth__Issuer", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth__Audience", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpAuthority_Fails()
    {
        var options = Valid();
        options.Authority = "http://login.example/tenant";

        Assert.Contains("Auth__Authority", new AuthOptionsValidator().Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("a-long-enough-key-0123, short")]
    public void Validate_ShortFunctionKey_FailsNamingTheSetting(string keys)
    {
        var options = Valid();
        options.FunctionKeys = keys;

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Auth__FunctionKeys", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" a-long-enough-key-0123 , another-long-enough-key ")]
    public void Validate_NoneOrLongFunctionKeys_Succeeds(string keys)
    {
        var options = Valid();
        options.FunctionKeys = keys;

        Assert.True(new AuthOptionsValidator().Validate(null, options).Succeeded);
    }
}
