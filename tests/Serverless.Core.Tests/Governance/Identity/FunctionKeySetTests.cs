using Microsoft.Extensions.Options;
using Serverless.Core.Governance.Identity;

namespace Serverless.Core.Tests.Governance.Identity;

public sealed class FunctionKeySetTests
{
    [Theory]
    [InlineData("a-long-enough-key-0123", true)]
    [InlineData("another-long-enough-key", true)]
    [InlineData("a-long-enough-key-012", false)]
    [InlineData("a-long-enough-key-0123 ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void FunctionKeySet_Accepts_OnlyAConfiguredKeyExactly(string? presented, bool accepted)
    {
        var keys = new FunctionKeySet(Options.Create(new AuthOptions { FunctionKeys = " a-long-enough-key-0123 , another-long-enough-key " }));

        Assert.Equal(accepted, keys.Accepts(presented));
    }

    [Fact]
    public void FunctionKeySet_NoneConfigured_AcceptsNothing()
    {
        var keys = new FunctionKeySet(Options.Create(new AuthOptions()));

        Assert.False(keys.Any);
        Assert.False(keys.Accepts("anything-at-all-0123456789"));
    }
}
