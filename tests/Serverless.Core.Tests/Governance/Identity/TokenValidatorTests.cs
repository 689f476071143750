using Microsoft.Extensions.Options;
using Serverless.Core.Governance;
using Serverless.Core.Governance.Identity;

namespace Serverless.Core.Tests.Governance.Identity;

public sealed class TokenValidatorTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://test";
    private static readonly string Key = DevelopmentTokens.NewSigningKey();
    private readonly TokenValidator _validator = new(Options.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = Key }));

    [Fact]
    public async Task ValidateAsync_ValidToken_ReadsSubjectNameAndRoles()
    {
        string token = DevelopmentTokens.Mint(Key, Issuer, Audience, "sub-1", "Alice", [PlatformRoles.Approver, PlatformRoles.Auditor], TimeSpan.FromMinutes(5));

        var check = await _validator.ValidateAsync(token);

        Assert.Null(check.Error);
        Assert.Equal("sub-1", check.Actor!.Subject);
        Assert.Equal("Alice", check.Actor.Name);
        Assert.Equal([PlatformRoles.Approver, PlatformRoles.Auditor], check.Actor.Roles);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredBeyondTheSkew_RefusedSayingWhen()
    {
        string token = DevelopmentTokens.Mint(Key, Issuer, Audience, "sub-1", "Alice", [], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(-10));

        var check = await _validator.ValidateAsync(token);

        Assert.Null(check.Actor);
        Assert.Contains("expired", check.Error, StringComparison.Ordinal);
        Assert.False(check.Unavailable);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValid_Refused()
    {
        string token = DevelopmentTokens.Mint(Key, Issuer, Audience, "sub-1", "Alice", [], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(30));

        var check = await _validator.ValidateAsync(token);

        Assert.Null(check.Actor);
        Assert.Contains("not valid before", check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("😀.😀.😀")]
    public async Task ValidateAsync_Malformed_RefusedNotThrown(string token)
    {
        var check = await _validator.ValidateAsync(token);

        Assert.Null(check.Actor);
        Assert.NotNull(check.Error);
    }
}
