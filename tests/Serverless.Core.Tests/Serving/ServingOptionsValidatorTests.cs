using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Core.Serving;

namespace Serverless.Core.Tests.Serving;

public sealed class ServingOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new ServingOptionsValidator().Validate(null, new ServingOptions()).Succeeded);

    [Theory]
    [InlineData("Serving:MaxOutputElements", "0", "Serving__MaxOutputElements must be greater than 0")]
    [InlineData("Serving:MaxRunTime", "-00:00:01", "Serving__MaxRunTime must be a positive time span")]
    [InlineData("Serving:MaxInferenceMemoryBytes", "8589934592", "Serving__MaxInferenceMemoryBytes must be at most")]
    [InlineData("Serving:AliasRefreshInterval", "00:00:00", "Serving__AliasRefreshInterval")]
    [InlineData("Serving:MaxLoadedModels", "-1", "Serving__MaxLoadedModels")]
    [InlineData("Serving:ShadowQueueCapacity", "0", "Serving__ShadowQueueCapacity must be greater than 0")]
    [InlineData("Serving:ShadowTable", "shadow-table", "Serving__ShadowTable 'shadow-table' is not a valid table name")]
    public async Task StartAsync_BadServingSetting_StopsStartUpNamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddServing(builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
